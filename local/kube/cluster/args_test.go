package cluster

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	auditv1 "k8s.io/apiserver/pkg/apis/audit/v1"
	"k8s.io/client-go/tools/clientcmd"
	"sigs.k8s.io/yaml"
)

// flagValue returns the value of --name=value in args, or "" when absent.
func flagValue(args []string, name string) string {
	for _, a := range args {
		if v, ok := strings.CutPrefix(a, "--"+name+"="); ok {
			return v
		}
	}
	return ""
}

func TestAPIServerArgs(t *testing.T) {
	dir := "/d"
	args := apiServerArgs(dir, testConfig())
	want := map[string]string{
		"etcd-servers":                     "http://127.0.0.1:2379",
		"bind-address":                     "127.0.0.1",
		"secure-port":                      "6443",
		"advertise-address":                "10.244.42.1",
		"service-cluster-ip-range":         "10.96.0.0/16",
		"authorization-mode":               "Node,RBAC",
		"enable-admission-plugins":         "NodeRestriction",
		"client-ca-file":                   "/d/pki/ca.crt",
		"tls-cert-file":                    "/d/pki/apiserver.crt",
		"tls-private-key-file":             "/d/pki/apiserver.key",
		"kubelet-client-certificate":       "/d/pki/apiserver-kubelet-client.crt",
		"kubelet-client-key":               "/d/pki/apiserver-kubelet-client.key",
		"kubelet-certificate-authority":    "/d/pki/ca.crt",
		"kubelet-preferred-address-types":  "InternalIP",
		"service-account-key-file":         "/d/pki/sa.pub",
		"service-account-signing-key-file": "/d/pki/sa.key",
		"service-account-issuer":           "https://kubernetes.default.svc.cluster.local",
		"api-audiences":                    "https://kubernetes.default.svc.cluster.local",
		"audit-policy-file":                "/d/audit-policy.yaml",
		"audit-log-path":                   "/d/audit.log",
		"audit-log-maxsize":                "100",
		"profiling":                        "false",
		"allow-privileged":                 "true",
	}
	for name, value := range want {
		if got := flagValue(args, name); got != value {
			t.Errorf("--%s=%q, want %q", name, got, value)
		}
	}
}

func TestControllerManagerAndSchedulerArgs(t *testing.T) {
	cm := controllerManagerArgs("/d")
	for name, value := range map[string]string{
		"kubeconfig":                       "/d/pki/controller-manager.kubeconfig",
		"authentication-kubeconfig":        "/d/pki/controller-manager.kubeconfig",
		"authorization-kubeconfig":         "/d/pki/controller-manager.kubeconfig",
		"service-account-private-key-file": "/d/pki/sa.key",
		"root-ca-file":                     "/d/pki/ca.crt",
		"cluster-signing-cert-file":        "/d/pki/ca.crt",
		"cluster-signing-key-file":         "/d/pki/ca.key",
		"use-service-account-credentials":  "true",
		"leader-elect":                     "false",
		"bind-address":                     "127.0.0.1",
		"secure-port":                      "0",
		"controllers":                      "*",
	} {
		if got := flagValue(cm, name); got != value {
			t.Errorf("controller-manager --%s=%q, want %q", name, got, value)
		}
	}
	sched := schedulerArgs("/d")
	for name, value := range map[string]string{
		"kubeconfig":                "/d/pki/scheduler.kubeconfig",
		"authentication-kubeconfig": "/d/pki/scheduler.kubeconfig",
		"authorization-kubeconfig":  "/d/pki/scheduler.kubeconfig",
		"leader-elect":              "false",
		"bind-address":              "127.0.0.1",
		"secure-port":               "0",
	} {
		if got := flagValue(sched, name); got != value {
			t.Errorf("scheduler --%s=%q, want %q", name, got, value)
		}
	}
}

func TestNodeAndEtcdArgs(t *testing.T) {
	got := nodeArgs("/d", testConfig())
	want := []string{"--dir", "/d", "--kubeconfig", "/d/pki/node.kubeconfig", "--node-name", "flotilla-local",
		"--pod-cidr", "10.244.42.0/24", "--bridge", "flt01234567", "--kubelet-port", "10250",
		"--tls-cert", "/d/pki/kubelet.crt", "--tls-key", "/d/pki/kubelet.key", "--client-ca", "/d/pki/ca.crt",
		"--api-port", "6443", "--images", "/d/images.yaml"}
	if !slices.Equal(got, want) {
		t.Errorf("node args\n got %q\nwant %q", got, want)
	}
	etcd := etcdArgs("/d", testConfig())
	if flagValue(etcd, "data-dir") != "/d/etcd" || flagValue(etcd, "listen-client-urls") != "http://127.0.0.1:2379" ||
		flagValue(etcd, "listen-peer-urls") != "http://127.0.0.1:2380" {
		t.Errorf("etcd args %q", etcd)
	}
}

func TestAuditPolicy(t *testing.T) {
	dir := t.TempDir()
	if err := writeAuditPolicy(dir); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(auditPolicyPath(dir))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(data), "#") {
		t.Error("audit policy lacks its explanatory comment")
	}
	var p auditv1.Policy
	if err := yaml.UnmarshalStrict(data, &p); err != nil {
		t.Fatal(err)
	}
	if p.APIVersion != "audit.k8s.io/v1" || p.Kind != "Policy" {
		t.Errorf("type %s %s", p.APIVersion, p.Kind)
	}
	// Only the leases/events exclusion, the write rule and the catch-all None.
	if len(p.Rules) != 3 {
		t.Fatalf("rules: %+v", p.Rules)
	}
	skip, writes, rest := p.Rules[0], p.Rules[1], p.Rules[2]
	if skip.Level != auditv1.LevelNone || len(skip.Verbs) != 0 || len(skip.Resources) != 3 {
		t.Errorf("noise rule %+v", skip)
	}
	for _, gr := range skip.Resources {
		if !slices.Equal(gr.Resources, []string{"leases"}) && !slices.Equal(gr.Resources, []string{"events"}) {
			t.Errorf("noise rule skips more than leases and events: %+v", gr)
		}
	}
	if writes.Level != auditv1.LevelMetadata || len(writes.Resources) != 0 ||
		!sameStrings(writes.Verbs, []string{"create", "update", "patch", "delete", "deletecollection"}) {
		t.Errorf("write rule %+v", writes)
	}
	if rest.Level != auditv1.LevelNone || len(rest.Verbs) != 0 || len(rest.Resources) != 0 {
		t.Errorf("catch-all rule %+v", rest)
	}
}

func TestImagesFile(t *testing.T) {
	dir := t.TempDir()
	entry := []string{"/usr/bin/node", "/repo/cli/bin/flotilla.js"}
	if err := writeImagesIfAbsent(dir, entry); err != nil {
		t.Fatal(err)
	}
	im, err := ReadImages(imagesPath(dir))
	if err != nil {
		t.Fatal(err)
	}
	for _, repo := range []string{"ghcr.io/flotilla-dev/flotilla", "flotilla"} {
		if !slices.Equal(im.Images[repo], entry) {
			t.Errorf("%s -> %q", repo, im.Images[repo])
		}
	}
	// Never overwritten.
	if err := writeImagesIfAbsent(dir, []string{"/other"}); err != nil {
		t.Fatal(err)
	}
	if again, _ := ReadImages(imagesPath(dir)); !slices.Equal(again.Images["flotilla"], entry) {
		t.Error("images.yaml overwritten")
	}

	empty := t.TempDir()
	if err := writeImagesIfAbsent(empty, nil); err != nil {
		t.Fatal(err)
	}
	im, err = ReadImages(imagesPath(empty))
	if err != nil || len(im.Images) != 0 {
		t.Errorf("without an entrypoint: %+v %v", im, err)
	}
}

func TestKubeconfigs(t *testing.T) {
	dir := t.TempDir()
	cfg := testConfig()
	if err := ensurePKI(dir, cfg); err != nil {
		t.Fatal(err)
	}
	if err := writeKubeconfigs(dir, cfg); err != nil {
		t.Fatal(err)
	}
	for path, certName := range map[string]string{
		filepath.Join(dir, "kubeconfig"):                           "admin",
		filepath.Join(dir, "pki", "controller-manager.kubeconfig"): "controller-manager",
		filepath.Join(dir, "pki", "scheduler.kubeconfig"):          "scheduler",
		filepath.Join(dir, "pki", "node.kubeconfig"):               "node",
	} {
		kc, err := clientcmd.LoadFromFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if kc.CurrentContext != "flotilla-local" {
			t.Errorf("%s: context %q", path, kc.CurrentContext)
		}
		rc, err := clientcmd.NewDefaultClientConfig(*kc, nil).ClientConfig()
		if err != nil {
			t.Fatal(err)
		}
		if rc.Host != "https://127.0.0.1:6443" || len(rc.CAData) == 0 || len(rc.CertData) == 0 || len(rc.KeyData) == 0 {
			t.Errorf("%s: host %s, embedded CA/cert/key %d/%d/%d", path, rc.Host, len(rc.CAData), len(rc.CertData), len(rc.KeyData))
		}
		certPEM, _ := os.ReadFile(filepath.Join(dir, "pki", certName+".crt"))
		if string(rc.CertData) != string(certPEM) {
			t.Errorf("%s does not use %s.crt", path, certName)
		}
		if st, _ := os.Stat(path); st.Mode().Perm() != 0o600 {
			t.Errorf("%s mode %v", path, st.Mode().Perm())
		}
	}
}

func TestIsKubeUpArgv(t *testing.T) {
	for _, tt := range []struct {
		argv []string
		want bool
	}{
		{[]string{"/opt/flotilla/local/kube/bin/kube", "up", "--dir", "/d"}, true},
		{[]string{"kube", "up"}, true},
		{[]string{"/usr/bin/kube", "down", "--dir", "/d"}, false},
		{[]string{"/bin/sleep", "up"}, false},
		{nil, false},
	} {
		if got := isKubeUpArgv(tt.argv); got != tt.want {
			t.Errorf("isKubeUpArgv(%q) = %v", tt.argv, got)
		}
	}
	if isKubeUp(os.Getpid()) {
		t.Error("the test binary taken for kube up")
	}
}
