package cluster

import (
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func mustCIDR(t *testing.T, s string) *net.IPNet {
	t.Helper()
	_, n, err := net.ParseCIDR(s)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestChoosePodCIDRIsStableAndInRange(t *testing.T) {
	re := regexp.MustCompile(`^10\.244\.(\d+)\.0/24$`)
	for _, dir := range []string{"/tmp/a", "/tmp/b", "/home/user/.flotilla/cluster", "/"} {
		a, err := choosePodCIDR(dir, nil)
		if err != nil {
			t.Fatal(err)
		}
		b, err := choosePodCIDR(dir, nil)
		if err != nil {
			t.Fatal(err)
		}
		if a.String() != b.String() {
			t.Errorf("%s: %s then %s", dir, a, b)
		}
		m := re.FindStringSubmatch(a.String())
		if m == nil {
			t.Fatalf("%s: %s is not 10.244.N.0/24", dir, a)
		}
		var n int
		for _, c := range m[1] {
			n = n*10 + int(c-'0')
		}
		if n < podNetMin || n > podNetMax {
			t.Errorf("%s: N=%d outside %d..%d", dir, n, podNetMin, podNetMax)
		}
	}
}

func TestChoosePodCIDRSkipsHostNetworks(t *testing.T) {
	dir := "/tmp/some-cluster"
	first, err := choosePodCIDR(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	// An interface address inside the first choice, and a wider route covering the next one.
	next := first.IP.To4()[2] + 1
	if int(next) > podNetMax {
		next = podNetMin
	}
	host := []*net.IPNet{
		{IP: bridgeIP(first), Mask: net.CIDRMask(32, 32)},
		mustCIDR(t, net.IPv4(10, 244, next, 128).String()+"/25"),
	}
	got, err := choosePodCIDR(dir, host)
	if err != nil {
		t.Fatal(err)
	}
	if overlapsAny(got, host) || got.String() == first.String() {
		t.Errorf("chose %s despite host networks %v", got, host)
	}

	// A host covering all of 10.244.0.0/16 leaves nothing.
	if _, err := choosePodCIDR(dir, []*net.IPNet{mustCIDR(t, "10.0.0.0/8")}); err == nil {
		t.Error("want an error when every candidate overlaps")
	}
}

func TestParseProcRoutes(t *testing.T) {
	table := `Iface	Destination	Gateway 	Flags	RefCnt	Use	Metric	Mask		MTU	Window	IRTT
eth0	00000000	0101A8C0	0003	0	0	0	00000000	0	0	0
eth0	0001A8C0	00000000	0001	0	0	0	00FFFFFF	0	0	0
docker0	000011AC	00000000	0001	0	0	0	0000FFFF	0	0	0
`
	nets, err := parseProcRoutes(strings.NewReader(table))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, n := range nets {
		got = append(got, n.String())
	}
	want := []string{"192.168.1.0/24", "172.17.0.0/16"}
	if !sameStrings(got, want) || len(got) != len(want) {
		t.Errorf("routes = %v, want %v (default route left out)", got, want)
	}
}

func TestBridgeNameAndIP(t *testing.T) {
	name := bridgeName("/tmp/kc1")
	if !regexp.MustCompile(`^flt[0-9a-f]{8}$`).MatchString(name) {
		t.Errorf("bridge name %q", name)
	}
	if name != bridgeName("/tmp/kc1") || name == bridgeName("/tmp/kc2") {
		t.Error("bridge name not a function of the directory")
	}
	if ip := bridgeIP(mustCIDR(t, "10.244.77.0/24")).String(); ip != "10.244.77.1" {
		t.Errorf("bridge IP %s", ip)
	}
}

func TestPrepareConfigPersistsAndReuses(t *testing.T) {
	dir := t.TempDir()
	first, err := prepareConfig(dir, nil, portFree)
	if err != nil {
		t.Fatal(err)
	}
	ports := []int{first.APIPort, first.EtcdClientPort, first.EtcdPeerPort, first.KubeletPort}
	seen := map[int]bool{}
	for _, p := range ports {
		if p <= 0 || seen[p] {
			t.Fatalf("ports not distinct and set: %v", ports)
		}
		seen[p] = true
	}
	if first.Bridge != bridgeName(dir) || first.BridgeIP != bridgeIP(mustCIDR(t, first.PodCIDR)).String() {
		t.Errorf("bridge %s %s for CIDR %s", first.Bridge, first.BridgeIP, first.PodCIDR)
	}
	if _, err := os.Stat(filepath.Join(dir, "cluster.json")); err != nil {
		t.Fatal(err)
	}

	// A second start reuses everything, even if the host networks changed meanwhile.
	again, err := prepareConfig(dir, []*net.IPNet{mustCIDR(t, "10.0.0.0/8")}, portFree)
	if err != nil {
		t.Fatal(err)
	}
	if again != first {
		t.Errorf("second start changed config: %+v -> %+v", first, again)
	}

	// A persisted port that is now taken is replaced, and the change is saved.
	taken := func(p int) bool { return p != first.APIPort }
	moved, err := prepareConfig(dir, nil, taken)
	if err != nil {
		t.Fatal(err)
	}
	if moved.APIPort == first.APIPort || moved.EtcdClientPort != first.EtcdClientPort {
		t.Errorf("want only the API port replaced: %+v -> %+v", first, moved)
	}
	saved, ok, err := loadConfig(dir)
	if err != nil || !ok || saved != moved {
		t.Errorf("cluster.json = %+v (%v %v), want %+v", saved, ok, err, moved)
	}
}

func TestLoadConfigRejectsGarbage(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "cluster.json"), []byte("{"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, _, err := loadConfig(dir); err == nil || !strings.Contains(err.Error(), "cluster.json") {
		t.Errorf("want a parse error naming cluster.json, got %v", err)
	}
}
