package node

import (
	"net"
	"path/filepath"
	"testing"
)

func TestIPAM(t *testing.T) {
	_, subnet, _ := net.ParseCIDR("10.244.7.0/29") // .1 gateway, .2-.6 usable, .7 broadcast
	path := filepath.Join(t.TempDir(), "ipam.json")
	a, err := loadIPAM(path, subnet, net.ParseIP("10.244.7.1"))
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]string{}
	for _, uid := range []string{"a", "b", "c", "d", "e"} {
		ip, err := a.Allocate(uid)
		if err != nil {
			t.Fatalf("allocate %s: %v", uid, err)
		}
		if other, dup := seen[ip.String()]; dup {
			t.Fatalf("%s and %s share %s", uid, other, ip)
		}
		if ip.String() == "10.244.7.1" || ip.String() == "10.244.7.0" || ip.String() == "10.244.7.7" {
			t.Fatalf("allocated reserved address %s", ip)
		}
		seen[ip.String()] = uid
	}
	if _, err := a.Allocate("f"); err == nil {
		t.Fatal("want exhaustion")
	}
	again, _ := a.Allocate("c")
	if seen[again.String()] != "c" {
		t.Fatalf("c got a new address %s", again)
	}

	// A restarted agent sees the same allocations.
	b, err := loadIPAM(path, subnet, net.ParseIP("10.244.7.1"))
	if err != nil {
		t.Fatal(err)
	}
	ip, _ := b.Allocate("b")
	if seen[ip.String()] != "b" {
		t.Fatalf("after reload b got %s", ip)
	}
	if err := b.Release("b"); err != nil {
		t.Fatal(err)
	}
	ip, err = b.Allocate("g")
	if err != nil || seen[ip.String()] != "b" {
		t.Fatalf("g should take b's freed address, got %s, %v", ip, err)
	}

	// Another CIDR starts over.
	_, other, _ := net.ParseCIDR("10.244.8.0/24")
	c, err := loadIPAM(path, other, net.ParseIP("10.244.8.1"))
	if err != nil || len(c.UIDs()) != 0 {
		t.Fatalf("new CIDR kept %v (%v)", c.UIDs(), err)
	}
	ip, _ = c.Allocate("x")
	if ip.String() != "10.244.8.2" {
		t.Fatalf("first address = %s, want 10.244.8.2", ip)
	}
}
