package node

import (
	"context"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/util/validation"
	podresource "k8s.io/kubernetes/pkg/api/v1/resource"
	"k8s.io/kubernetes/third_party/forked/golang/expansion"
)

// objectSource fetches the ConfigMaps and Secrets a pod references (the Node authorizer lets
// the node get exactly those).
type objectSource interface {
	ConfigMap(ctx context.Context, namespace, name string) (*corev1.ConfigMap, error)
	Secret(ctx context.Context, namespace, name string) (*corev1.Secret, error)
}

// podIdentity is what the downward API needs beyond the pod object.
type podIdentity struct {
	PodIP, HostIP   string
	NodeAllocatable corev1.ResourceList
}

// configError is a container configuration that cannot be resolved yet (a missing ConfigMap
// key, say): the container waits with reason CreateContainerConfigError and is retried.
type configError struct{ err error }

func (e *configError) Error() string { return e.err.Error() }
func (e *configError) Unwrap() error { return e.err }

// serviceEnv is what kubelet injects for the "kubernetes" Service, pointing at the forwarder on
// the bridge so that in-cluster configuration works unchanged.
func serviceEnv(host string, port int) map[string]string {
	p := strconv.Itoa(port)
	url := "tcp://" + host + ":" + p
	prefix := "KUBERNETES_PORT_" + p + "_TCP"
	return map[string]string{
		"KUBERNETES_SERVICE_HOST":       host,
		"KUBERNETES_SERVICE_PORT":       p,
		"KUBERNETES_SERVICE_PORT_HTTPS": p,
		"KUBERNETES_PORT":               url,
		prefix:                          url,
		prefix + "_PROTO":               "tcp",
		prefix + "_PORT":                p,
		prefix + "_ADDR":                host,
	}
}

// baseEnv is what every process starts with before the pod's own variables: the agent's PATH
// (images are local programs) and a HOME.
func baseEnv(hostname string) map[string]string {
	env := map[string]string{"HOME": "/root", "HOSTNAME": hostname}
	if p := os.Getenv("PATH"); p != "" {
		env["PATH"] = p
	} else {
		env["PATH"] = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
	}
	for _, k := range []string{"LANG", "LC_ALL", "TZ"} {
		if v, ok := os.LookupEnv(k); ok {
			env[k] = v
		}
	}
	return env
}

// resolveEnv computes a container's environment the way kubelet does: envFrom first, then env
// in order with $(VAR) expansion against what is defined so far and the service variables;
// service variables fill in whatever the pod did not define. The base variables come last and
// only where nothing else set them. It returns the variables as a map.
func resolveEnv(ctx context.Context, pod *corev1.Pod, c *corev1.Container, id podIdentity, src objectSource,
	svc, base map[string]string) (map[string]string, error) {
	env := map[string]string{}
	// data returns the key/value pairs of a ConfigMap or a Secret, each object fetched once.
	cache := map[string]map[string]string{}
	data := func(kind, name string) (map[string]string, error) {
		id := kind + "/" + name
		if d, ok := cache[id]; ok {
			return d, nil
		}
		var d map[string]string
		if kind == "configmap" {
			cm, err := src.ConfigMap(ctx, pod.Namespace, name)
			if err != nil {
				return nil, err
			}
			d = cm.Data
		} else {
			sec, err := src.Secret(ctx, pod.Namespace, name)
			if err != nil {
				return nil, err
			}
			d = make(map[string]string, len(sec.Data))
			for k, v := range sec.Data {
				d[k] = string(v)
			}
		}
		cache[id] = d
		return d, nil
	}
	// keyRef resolves one key; skip is true when an optional object or key is missing.
	keyRef := func(envName, kind, name, key string, optional *bool) (value string, skip bool, err error) {
		d, err := data(kind, name)
		if err != nil {
			if apierrors.IsNotFound(err) && isTrue(optional) {
				return "", true, nil
			}
			return "", false, &configError{fmt.Errorf("env %s: %s %q: %w", envName, kind, name, err)}
		}
		v, ok := d[key]
		if !ok {
			if isTrue(optional) {
				return "", true, nil
			}
			return "", false, &configError{fmt.Errorf("env %s: key %q not found in %s %q", envName, key, kind, name)}
		}
		return v, false, nil
	}

	for _, from := range c.EnvFrom {
		kind, name, optional := "configmap", "", (*bool)(nil)
		switch {
		case from.ConfigMapRef != nil:
			name, optional = from.ConfigMapRef.Name, from.ConfigMapRef.Optional
		case from.SecretRef != nil:
			kind, name, optional = "secret", from.SecretRef.Name, from.SecretRef.Optional
		default:
			continue
		}
		d, err := data(kind, name)
		if err != nil {
			if apierrors.IsNotFound(err) && isTrue(optional) {
				continue
			}
			return nil, &configError{fmt.Errorf("envFrom %s %q: %w", kind, name, err)}
		}
		for k, v := range d {
			if key := from.Prefix + k; validEnvName(key) {
				env[key] = v
			}
		}
	}

	mapping := expansion.MappingFuncFor(env, svc)
	for _, e := range c.Env {
		if e.ValueFrom == nil {
			env[e.Name] = expansion.Expand(e.Value, mapping)
			continue
		}
		vf := e.ValueFrom
		switch {
		case vf.FieldRef != nil:
			v, err := podFieldValue(pod, vf.FieldRef.FieldPath, id)
			if err != nil {
				return nil, &configError{fmt.Errorf("env %s: %w", e.Name, err)}
			}
			env[e.Name] = v
		case vf.ResourceFieldRef != nil:
			v, err := resourceFieldValue(pod, c.Name, vf.ResourceFieldRef, id)
			if err != nil {
				return nil, &configError{fmt.Errorf("env %s: %w", e.Name, err)}
			}
			env[e.Name] = v
		case vf.ConfigMapKeyRef != nil, vf.SecretKeyRef != nil:
			kind, ref := "configmap", vf.ConfigMapKeyRef
			var name, key string
			var optional *bool
			if ref != nil {
				name, key, optional = ref.Name, ref.Key, ref.Optional
			} else {
				kind, name, key, optional = "secret", vf.SecretKeyRef.Name, vf.SecretKeyRef.Key, vf.SecretKeyRef.Optional
			}
			v, skip, err := keyRef(e.Name, kind, name, key, optional)
			if err != nil {
				return nil, err
			}
			if !skip {
				env[e.Name] = v
			}
		}
	}

	for k, v := range svc {
		if _, ok := env[k]; !ok {
			env[k] = v
		}
	}
	for k, v := range base {
		if _, ok := env[k]; !ok {
			env[k] = v
		}
	}
	return env, nil
}

// environ renders an environment as sorted KEY=VALUE pairs.
func environ(env map[string]string) []string {
	out := make([]string, 0, len(env))
	for k, v := range env {
		out = append(out, k+"="+v)
	}
	sort.Strings(out)
	return out
}

// expandArgv applies $(VAR) expansion to command and args, as kubelet does.
func expandArgv(argv []string, env map[string]string) []string {
	mapping := expansion.MappingFuncFor(env)
	out := make([]string, len(argv))
	for i, a := range argv {
		out[i] = expansion.Expand(a, mapping)
	}
	return out
}

func validEnvName(name string) bool { return len(validation.IsRelaxedEnvVarName(name)) == 0 }

// podFieldValue resolves a downward API fieldPath.
func podFieldValue(pod *corev1.Pod, path string, id podIdentity) (string, error) {
	if key, ok := subscript(path, "metadata.labels"); ok {
		return pod.Labels[key], nil
	}
	if key, ok := subscript(path, "metadata.annotations"); ok {
		return pod.Annotations[key], nil
	}
	switch path {
	case "metadata.name":
		return pod.Name, nil
	case "metadata.namespace":
		return pod.Namespace, nil
	case "metadata.uid":
		return string(pod.UID), nil
	case "metadata.labels":
		return formatMap(pod.Labels), nil
	case "metadata.annotations":
		return formatMap(pod.Annotations), nil
	case "spec.nodeName":
		return pod.Spec.NodeName, nil
	case "spec.serviceAccountName":
		return pod.Spec.ServiceAccountName, nil
	case "status.podIP", "status.podIPs":
		return id.PodIP, nil
	case "status.hostIP", "status.hostIPs":
		return id.HostIP, nil
	}
	return "", fmt.Errorf("unsupported fieldPath %q", path)
}

// subscript parses `prefix['key']`.
func subscript(path, prefix string) (string, bool) {
	rest, ok := strings.CutPrefix(path, prefix+"['")
	if !ok || !strings.HasSuffix(rest, "']") {
		return "", false
	}
	return strings.TrimSuffix(rest, "']"), true
}

// formatMap renders labels or annotations as the downward API does: sorted key="value" lines.
func formatMap(m map[string]string) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for i, k := range keys {
		if i > 0 {
			b.WriteByte('\n')
		}
		fmt.Fprintf(&b, "%s=%q", k, m[k])
	}
	return b.String()
}

func resourceFieldValue(pod *corev1.Pod, container string, sel *corev1.ResourceFieldSelector, id podIdentity) (string, error) {
	if sel.ContainerName != "" {
		container = sel.ContainerName
	}
	v, err := podresource.ExtractResourceValueByContainerNameAndNodeAllocatable(sel, pod, container, id.NodeAllocatable)
	if err != nil {
		return "", fmt.Errorf("resource %q of container %q: %w", sel.Resource, container, err)
	}
	return v, nil
}

func isTrue(b *bool) bool { return b != nil && *b }
