package node

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	authenticationv1 "k8s.io/api/authentication/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

type fakeTokens struct{ n int }

func (f *fakeTokens) CreateToken(_ context.Context, ns, sa string, req *authenticationv1.TokenRequest) (*authenticationv1.TokenRequest, error) {
	f.n++
	req.Status.Token = "token-" + ns + "-" + sa + "-" + req.Spec.BoundObjectRef.Name + "-" + string(rune('0'+f.n))
	req.Status.ExpirationTimestamp = metav1.NewTime(time.Now().Add(time.Duration(*req.Spec.ExpirationSeconds) * time.Second))
	return req, nil
}

func TestVolumeSync(t *testing.T) {
	dir := t.TempDir()
	src := &fakeObjects{
		cms: map[string]*corev1.ConfigMap{
			"cfg":              {Data: map[string]string{"a.conf": "A", "b.conf": "B"}},
			"kube-root-ca.crt": {Data: map[string]string{"ca.crt": "CA"}},
		},
		secrets: map[string]*corev1.Secret{"s": {Data: map[string][]byte{"key": []byte("K")}}},
	}
	mode := int32(0o400)
	exp := int64(3607)
	pod := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: "p", Namespace: "ns", UID: "u"},
		Spec: corev1.PodSpec{ServiceAccountName: "nobody", Volumes: []corev1.Volume{
			{Name: "cfg", VolumeSource: corev1.VolumeSource{ConfigMap: &corev1.ConfigMapVolumeSource{
				LocalObjectReference: corev1.LocalObjectReference{Name: "cfg"}}}},
			{Name: "one", VolumeSource: corev1.VolumeSource{ConfigMap: &corev1.ConfigMapVolumeSource{
				LocalObjectReference: corev1.LocalObjectReference{Name: "cfg"},
				Items:                []corev1.KeyToPath{{Key: "a.conf", Path: "sub/renamed"}}}}},
			{Name: "sec", VolumeSource: corev1.VolumeSource{Secret: &corev1.SecretVolumeSource{SecretName: "s", DefaultMode: &mode}}},
			{Name: "scratch", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}},
			{Name: "kube-api-access", VolumeSource: corev1.VolumeSource{Projected: &corev1.ProjectedVolumeSource{Sources: []corev1.VolumeProjection{
				{ServiceAccountToken: &corev1.ServiceAccountTokenProjection{ExpirationSeconds: &exp, Path: "token"}},
				{ConfigMap: &corev1.ConfigMapProjection{LocalObjectReference: corev1.LocalObjectReference{Name: "kube-root-ca.crt"},
					Items: []corev1.KeyToPath{{Key: "ca.crt", Path: "ca.crt"}}}},
				{DownwardAPI: &corev1.DownwardAPIProjection{Items: []corev1.DownwardAPIVolumeFile{
					{Path: "namespace", FieldRef: &corev1.ObjectFieldSelector{FieldPath: "metadata.namespace"}}}}},
			}}}},
		}},
	}
	tokens := &fakeTokens{}
	m := newVolumeManager(dir, src, tokens)
	vols, next, err := m.Sync(context.Background(), pod, podIdentity{})
	if err != nil {
		t.Fatal(err)
	}
	read := func(p string) string {
		b, err := os.ReadFile(filepath.Join(dir, p))
		if err != nil {
			t.Errorf("read %s: %v", p, err)
		}
		return string(b)
	}
	if read("cfg/a.conf") != "A" || read("cfg/b.conf") != "B" || read("one/sub/renamed") != "A" || read("sec/key") != "K" {
		t.Error("configmap/secret contents wrong")
	}
	if st, _ := os.Stat(filepath.Join(dir, "sec/key")); st.Mode().Perm() != 0o400 {
		t.Errorf("secret mode %o", st.Mode().Perm())
	}
	if read("kube-api-access/token") != "token-ns-nobody-p-1" || read("kube-api-access/ca.crt") != "CA" || read("kube-api-access/namespace") != "ns" {
		t.Error("projected service account volume wrong")
	}
	if !vols["kube-api-access"].apiData || vols["scratch"].apiData {
		t.Error("apiData flags wrong")
	}
	if until := time.Until(next); until > time.Minute {
		t.Errorf("next sync in %s", until)
	}
	// A second sync reuses the token and drops keys that disappeared.
	delete(src.cms["cfg"].Data, "b.conf")
	if _, _, err := m.Sync(context.Background(), pod, podIdentity{}); err != nil {
		t.Fatal(err)
	}
	if tokens.n != 1 {
		t.Errorf("token requested %d times", tokens.n)
	}
	if _, err := os.Stat(filepath.Join(dir, "cfg/b.conf")); !os.IsNotExist(err) {
		t.Error("stale key file kept")
	}
	// Expired refresh time: a new token.
	for k, c := range m.cache {
		c.refresh = time.Now().Add(-time.Second)
		m.cache[k] = c
	}
	if _, _, err := m.Sync(context.Background(), pod, podIdentity{}); err != nil {
		t.Fatal(err)
	}
	if read("kube-api-access/token") != "token-ns-nobody-p-2" {
		t.Error("token not refreshed")
	}
	pod.Spec.Volumes = append(pod.Spec.Volumes, corev1.Volume{Name: "pvc", VolumeSource: corev1.VolumeSource{
		PersistentVolumeClaim: &corev1.PersistentVolumeClaimVolumeSource{ClaimName: "x"}}})
	if _, _, err := m.Sync(context.Background(), pod, podIdentity{}); err == nil {
		t.Error("want an error for a PVC volume")
	}
}
