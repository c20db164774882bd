package node

import (
	"context"
	"errors"
	"testing"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

type fakeObjects struct {
	cms     map[string]*corev1.ConfigMap
	secrets map[string]*corev1.Secret
}

func (f *fakeObjects) ConfigMap(_ context.Context, _, name string) (*corev1.ConfigMap, error) {
	if cm, ok := f.cms[name]; ok {
		return cm, nil
	}
	return nil, apierrors.NewNotFound(schema.GroupResource{Resource: "configmaps"}, name)
}

func (f *fakeObjects) Secret(_ context.Context, _, name string) (*corev1.Secret, error) {
	if s, ok := f.secrets[name]; ok {
		return s, nil
	}
	return nil, apierrors.NewNotFound(schema.GroupResource{Resource: "secrets"}, name)
}

func TestResolveEnv(t *testing.T) {
	yes := true
	src := &fakeObjects{
		cms:     map[string]*corev1.ConfigMap{"cfg": {Data: map[string]string{"MODE": "live", "LEVEL": "3", "a=b": "x"}}},
		secrets: map[string]*corev1.Secret{"creds": {Data: map[string][]byte{"TOKEN": []byte("s3cret")}}},
	}
	pod := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: "p", Namespace: "ns", UID: "u-1", Labels: map[string]string{"app": "a"}},
		Spec:       corev1.PodSpec{NodeName: "flotilla-local", ServiceAccountName: "sa"},
	}
	c := &corev1.Container{
		Name: "c",
		EnvFrom: []corev1.EnvFromSource{
			{ConfigMapRef: &corev1.ConfigMapEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: "cfg"}}, Prefix: "CFG_"},
			{SecretRef: &corev1.SecretEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: "absent"}, Optional: &yes}},
		},
		Env: []corev1.EnvVar{
			{Name: "A", Value: "one"},
			{Name: "B", Value: "$(A)-two-$(MISSING)-$$(A)"},
			{Name: "POD", ValueFrom: &corev1.EnvVarSource{FieldRef: &corev1.ObjectFieldSelector{FieldPath: "metadata.name"}}},
			{Name: "NS", ValueFrom: &corev1.EnvVarSource{FieldRef: &corev1.ObjectFieldSelector{FieldPath: "metadata.namespace"}}},
			{Name: "UID", ValueFrom: &corev1.EnvVarSource{FieldRef: &corev1.ObjectFieldSelector{FieldPath: "metadata.uid"}}},
			{Name: "IP", ValueFrom: &corev1.EnvVarSource{FieldRef: &corev1.ObjectFieldSelector{FieldPath: "status.podIP"}}},
			{Name: "HOST", ValueFrom: &corev1.EnvVarSource{FieldRef: &corev1.ObjectFieldSelector{FieldPath: "status.hostIP"}}},
			{Name: "NODE", ValueFrom: &corev1.EnvVarSource{FieldRef: &corev1.ObjectFieldSelector{FieldPath: "spec.nodeName"}}},
			{Name: "SA", ValueFrom: &corev1.EnvVarSource{FieldRef: &corev1.ObjectFieldSelector{FieldPath: "spec.serviceAccountName"}}},
			{Name: "APP", ValueFrom: &corev1.EnvVarSource{FieldRef: &corev1.ObjectFieldSelector{FieldPath: "metadata.labels['app']"}}},
			{Name: "MODE", ValueFrom: &corev1.EnvVarSource{ConfigMapKeyRef: &corev1.ConfigMapKeySelector{LocalObjectReference: corev1.LocalObjectReference{Name: "cfg"}, Key: "MODE"}}},
			{Name: "TOKEN", ValueFrom: &corev1.EnvVarSource{SecretKeyRef: &corev1.SecretKeySelector{LocalObjectReference: corev1.LocalObjectReference{Name: "creds"}, Key: "TOKEN"}}},
			{Name: "OPT", ValueFrom: &corev1.EnvVarSource{SecretKeyRef: &corev1.SecretKeySelector{LocalObjectReference: corev1.LocalObjectReference{Name: "creds"}, Key: "NOPE", Optional: &yes}}},
			{Name: "SVC", Value: "$(KUBERNETES_SERVICE_HOST):$(KUBERNETES_SERVICE_PORT)"},
			{Name: "PATH", Value: "/custom/bin"},
		},
	}
	id := podIdentity{PodIP: "10.244.0.5", HostIP: "10.244.0.1"}
	env, err := resolveEnv(context.Background(), pod, c, id, src, serviceEnv("10.244.0.1", 6443), baseEnv("p"))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"CFG_MODE": "live", "CFG_LEVEL": "3", "A": "one", "B": "one-two-$(MISSING)-$(A)",
		"POD": "p", "NS": "ns", "UID": "u-1", "IP": "10.244.0.5", "HOST": "10.244.0.1", "NODE": "flotilla-local",
		"SA": "sa", "APP": "a", "MODE": "live", "TOKEN": "s3cret", "SVC": "10.244.0.1:6443",
		"KUBERNETES_SERVICE_HOST": "10.244.0.1", "KUBERNETES_SERVICE_PORT": "6443", "KUBERNETES_SERVICE_PORT_HTTPS": "6443",
		"PATH": "/custom/bin", "HOME": "/root", "HOSTNAME": "p",
	}
	for k, v := range want {
		if env[k] != v {
			t.Errorf("%s = %q, want %q", k, env[k], v)
		}
	}
	for _, k := range []string{"CFG_a=b", "OPT"} {
		if _, ok := env[k]; ok {
			t.Errorf("%s should not be set", k)
		}
	}

	c.Env = []corev1.EnvVar{{Name: "X", ValueFrom: &corev1.EnvVarSource{ConfigMapKeyRef: &corev1.ConfigMapKeySelector{
		LocalObjectReference: corev1.LocalObjectReference{Name: "cfg"}, Key: "NOPE"}}}}
	c.EnvFrom = nil
	_, err = resolveEnv(context.Background(), pod, c, id, src, nil, nil)
	var ce *configError
	if !errors.As(err, &ce) {
		t.Errorf("missing required key: err = %v, want a configError", err)
	}
}

func TestExpandArgv(t *testing.T) {
	got := expandArgv([]string{"echo", "$(NAME)", "$$(NAME)", "$(UNSET)"}, map[string]string{"NAME": "x"})
	want := []string{"echo", "x", "$(NAME)", "$(UNSET)"}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("arg %d = %q, want %q", i, got[i], want[i])
		}
	}
}

func TestFormatMap(t *testing.T) {
	if got := formatMap(map[string]string{"b": "2", "a": "1"}); got != "a=\"1\"\nb=\"2\"" {
		t.Errorf("formatMap = %q", got)
	}
}
