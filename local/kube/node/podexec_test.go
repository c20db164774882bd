package node

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vishvananda/netns"
)

// The test binary doubles as the kube binary's pod-exec (`TEST pod-exec ARGS`).
func TestMain(m *testing.M) {
	if len(os.Args) > 1 && os.Args[1] == "pod-exec" {
		os.Exit(PodExec(os.Args[2:]))
	}
	os.Exit(m.Run())
}

func TestParseMount(t *testing.T) {
	m, err := parseMount("/a:/b:ro")
	if err != nil || m.src != "/a" || m.dst != "/b" || !m.ro {
		t.Errorf("parseMount = %+v, %v", m, err)
	}
	for _, bad := range []string{"/a", "a:/b", "/a:/b:x", "/a:/b:ro:z"} {
		if _, err := parseMount(bad); err == nil {
			t.Errorf("parseMount(%q) accepted", bad)
		}
	}
	if _, err := parsePodExec([]string{"--netns", "x", "--", "sh"}); err == nil {
		t.Error("relative command accepted")
	}
}

// TestPodExecReal runs pod-exec for real: a fresh network namespace, a read-only and a
// read-write bind mount at paths that exist only inside, a hostname, a working directory.
func TestPodExecReal(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root")
	}
	name := "flt-test-" + strings.ReplaceAll(t.Name(), "/", "")[:6]
	ns, err := newNamedNetns(name)
	if err != nil {
		t.Fatal(err)
	}
	ns.Close()
	t.Cleanup(func() { _ = netns.DeleteNamed(name) })

	dir := t.TempDir()
	ro := filepath.Join(dir, "ro")
	rw := filepath.Join(dir, "rw")
	os.MkdirAll(ro, 0o755)
	os.MkdirAll(rw, 0o755)
	os.WriteFile(filepath.Join(ro, "token"), []byte("secret-token"), 0o644)
	target := filepath.Join(dir, "inside", "serviceaccount") // does not exist on the host yet
	target2 := filepath.Join(dir, "inside", "data")
	script := "cat " + target + "/token; echo; hostname; pwd; echo links: $(ip -o link show | cut -d: -f2 | tr -d ' ' | tr '\\n' ,); echo $FOO; touch " + target + "/x 2>/dev/null && echo writable || echo readonly; " +
		"echo hi > " + target2 + "/f && echo wrote"
	cmd := exec.Command(os.Args[0], "pod-exec", "--netns", name, "--hostname", "pod-a",
		"--mount", ro+":"+target+":ro", "--mount", rw+":"+target2, "--workdir", "/tmp", "--", "/bin/sh", "-c", script)
	cmd.Env = []string{"FOO=bar", "PATH=/usr/sbin:/usr/bin:/sbin:/bin"}
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("pod-exec: %v\n%s", err, out)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	got := strings.Join(lines, "|")
	for _, want := range []string{"secret-token", "pod-a", "/tmp", "bar", "readonly", "wrote"} {
		if !strings.Contains(got, want) {
			t.Errorf("output %q lacks %q", got, want)
		}
	}
	if !strings.Contains(got, "links: lo,|") {
		t.Errorf("interfaces inside: %q (want only lo)", got)
	}
	if data, _ := os.ReadFile(filepath.Join(rw, "f")); string(data) != "hi\n" {
		t.Errorf("write through the rw mount: %q", data)
	}
	if entries, _ := os.ReadDir(target); len(entries) != 0 {
		t.Errorf("the mount leaked to the host: %v", entries)
	}
	if h, _ := os.Hostname(); h == "pod-a" {
		t.Error("hostname leaked to the host")
	}
}
