package node

import (
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vishvananda/netlink"
)

// TestNetworkReal builds the bridge and two pod namespaces for real, checks that a pod reaches
// a server on the bridge address and the other pod, and that teardown leaves nothing.
func TestNetworkReal(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root")
	}
	dir := t.TempDir()
	n, err := newNetwork("flttest0", "10.250.77.0/24", filepath.Join(dir, "ipam.json"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = n.TeardownAll()
		_ = n.DeleteBridge()
	})
	if err := n.SetupBridge(); err != nil {
		t.Fatal(err)
	}
	if err := n.SetupBridge(); err != nil { // reuse
		t.Fatalf("second SetupBridge: %v", err)
	}
	ipA, nsA, err := n.SetupPod("aaaaaaaa-1111-2222-3333-444444444444")
	if err != nil {
		t.Fatal(err)
	}
	ipB, _, err := n.SetupPod("bbbbbbbb-1111-2222-3333-444444444444")
	if err != nil {
		t.Fatal(err)
	}
	if ipA.Equal(ipB) || !n.subnet.Contains(ipA) || ipA.String() == "10.250.77.1" {
		t.Fatalf("addresses %s %s", ipA, ipB)
	}
	if nsA != "flt-aaaaaaaa-111" {
		t.Errorf("netns name %q", nsA)
	}
	// Setting a pod up again (agent restart) keeps its address.
	again, _, err := n.SetupPod("aaaaaaaa-1111-2222-3333-444444444444")
	if err != nil || !again.Equal(ipA) {
		t.Fatalf("re-setup: %s %v", again, err)
	}

	ln, err := net.Listen("tcp", "10.250.77.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, "from-host ", r.RemoteAddr)
	})}
	go srv.Serve(ln)
	defer srv.Close()

	out := podExecOut(t, nsA, "curl -s --max-time 5 http://"+ln.Addr().String()+"/; echo; ip -4 -o addr show eth0; ip route")
	if !strings.Contains(out, "from-host "+ipA.String()) {
		t.Errorf("pod did not reach the bridge address with its own IP: %q", out)
	}
	if !strings.Contains(out, "default via 10.250.77.1") {
		t.Errorf("no default route: %q", out)
	}
	out = podExecOut(t, nsA, "ping -c1 -W2 "+ipB.String()+" >/dev/null && echo pod-to-pod-ok || echo pod-to-pod-failed")
	if !strings.Contains(out, "pod-to-pod-ok") && !strings.Contains(out, "not found") {
		t.Errorf("pod to pod: %q", out)
	}

	if err := n.ReleasePod("bbbbbbbb-1111-2222-3333-444444444444"); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat("/var/run/netns/flt-bbbbbbbb-111"); !os.IsNotExist(err) {
		t.Error("netns of a released pod remains")
	}
	host, _ := vethNames("bbbbbbbb-1111-2222-3333-444444444444")
	if _, err := netlink.LinkByName(host); err == nil {
		t.Error("veth of a released pod remains")
	}
	if err := n.TeardownAll(); err != nil {
		t.Fatal(err)
	}
	if err := n.DeleteBridge(); err != nil {
		t.Fatal(err)
	}
	if _, err := netlink.LinkByName("flttest0"); err == nil {
		t.Error("bridge remains")
	}
}

func podExecOut(t *testing.T, ns, script string) string {
	t.Helper()
	cmd := exec.Command(os.Args[0], "pod-exec", "--netns", ns, "--", "/bin/sh", "-c", script)
	cmd.Env = []string{"PATH=/usr/sbin:/usr/bin:/sbin:/bin"}
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("pod-exec in %s: %v\n%s", ns, err, out)
	}
	return string(out)
}
