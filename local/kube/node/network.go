package node

import (
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"

	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netns"
)

// Pod networking: one Linux bridge holding the first address of the pod CIDR; each pod gets
// a named network namespace with a veth pair (host end on the bridge, eth0 inside), an address
// from the IPAM, loopback up and a default route via the bridge. No NAT, no forwarding: pods
// reach each other and the host's bridge address, nothing else.

const netnsDir = "/var/run/netns"

type network struct {
	bridgeName string
	gateway    net.IP
	subnet     *net.IPNet
	ipam       *ipam

	mu   sync.Mutex
	pods map[string]bool // pod UIDs with a namespace made by this agent
}

// newNetwork parses the pod CIDR; the bridge address is its first host address.
func newNetwork(bridge, podCIDR, ipamPath string) (*network, error) {
	_, subnet, err := net.ParseCIDR(podCIDR)
	if err != nil {
		return nil, fmt.Errorf("parse --pod-cidr: %w", err)
	}
	if subnet.IP.To4() == nil {
		return nil, fmt.Errorf("--pod-cidr %s: only IPv4 is supported", podCIDR)
	}
	if len(bridge) == 0 || len(bridge) > 15 {
		return nil, fmt.Errorf("--bridge %q: want 1 to 15 characters", bridge)
	}
	gw := uintToIP(ipToUint(subnet.IP) + 1)
	a, err := loadIPAM(ipamPath, subnet, gw)
	if err != nil {
		return nil, err
	}
	return &network{bridgeName: bridge, gateway: gw, subnet: subnet, ipam: a, pods: map[string]bool{}}, nil
}

// GatewayCIDR is the bridge address with the pod CIDR's mask.
func (n *network) GatewayCIDR() *net.IPNet {
	return &net.IPNet{IP: n.gateway, Mask: n.subnet.Mask}
}

// SetupBridge creates the bridge (or reuses it), gives it the gateway address and sets it up.
func (n *network) SetupBridge() error {
	link, err := netlink.LinkByName(n.bridgeName)
	if err != nil {
		var nf netlink.LinkNotFoundError
		if !errors.As(err, &nf) {
			return fmt.Errorf("look up bridge %s: %w", n.bridgeName, err)
		}
		br := &netlink.Bridge{LinkAttrs: netlink.LinkAttrs{Name: n.bridgeName}}
		if err := netlink.LinkAdd(br); err != nil {
			return fmt.Errorf("create bridge %s: %w", n.bridgeName, err)
		}
		if link, err = netlink.LinkByName(n.bridgeName); err != nil {
			return fmt.Errorf("look up bridge %s: %w", n.bridgeName, err)
		}
	}
	if link.Type() != "bridge" {
		return fmt.Errorf("link %s exists and is a %s, not a bridge", n.bridgeName, link.Type())
	}
	addrs, err := netlink.AddrList(link, netlink.FAMILY_V4)
	if err != nil {
		return fmt.Errorf("list addresses of %s: %w", n.bridgeName, err)
	}
	want := n.GatewayCIDR()
	have := false
	for _, a := range addrs {
		if a.IPNet.String() == want.String() {
			have = true
		}
	}
	if !have {
		if err := netlink.AddrAdd(link, &netlink.Addr{IPNet: want}); err != nil {
			return fmt.Errorf("add %s to %s: %w", want, n.bridgeName, err)
		}
	}
	if err := netlink.LinkSetUp(link); err != nil {
		return fmt.Errorf("set %s up: %w", n.bridgeName, err)
	}
	return nil
}

// DeleteBridge removes the bridge.
func (n *network) DeleteBridge() error {
	link, err := netlink.LinkByName(n.bridgeName)
	if err != nil {
		var nf netlink.LinkNotFoundError
		if errors.As(err, &nf) {
			return nil
		}
		return fmt.Errorf("look up bridge %s: %w", n.bridgeName, err)
	}
	if err := netlink.LinkDel(link); err != nil {
		return fmt.Errorf("delete bridge %s: %w", n.bridgeName, err)
	}
	return nil
}

// netnsName is the pod's namespace name under /var/run/netns.
func netnsName(uid string) string { return "flt-" + shortUID(uid, 12) }

// vethNames are the host end and the temporary name of the pod end (renamed eth0 inside).
func vethNames(uid string) (host, peer string) {
	id := shortUID(strings.ReplaceAll(uid, "-", ""), 12)
	return "fv" + id, "fp" + id
}

func shortUID(uid string, n int) string {
	if len(uid) > n {
		return uid[:n]
	}
	return uid
}

// SetupPod gives the pod its namespace, veth and address, replacing whatever a previous run
// left. It returns the pod IP and the namespace name.
func (n *network) SetupPod(uid string) (net.IP, string, error) {
	ip, err := n.ipam.Allocate(uid)
	if err != nil {
		return nil, "", err
	}
	name := netnsName(uid)
	if err := n.removePod(uid); err != nil {
		return nil, "", err
	}
	n.mu.Lock()
	n.pods[uid] = true
	n.mu.Unlock()
	if err := n.createPod(uid, name, ip); err != nil {
		return nil, "", errors.Join(err, n.removePod(uid))
	}
	return ip, name, nil
}

func (n *network) createPod(uid, name string, ip net.IP) error {
	ns, err := newNamedNetns(name)
	if err != nil {
		return err
	}
	defer ns.Close()

	br, err := netlink.LinkByName(n.bridgeName)
	if err != nil {
		return fmt.Errorf("look up bridge %s: %w", n.bridgeName, err)
	}
	hostName, peerName := vethNames(uid)
	veth := &netlink.Veth{
		LinkAttrs:     netlink.LinkAttrs{Name: hostName, MTU: br.Attrs().MTU},
		PeerName:      peerName,
		PeerNamespace: netlink.NsFd(int(ns)),
	}
	if err := netlink.LinkAdd(veth); err != nil {
		return fmt.Errorf("create veth %s: %w", hostName, err)
	}
	host, err := netlink.LinkByName(hostName)
	if err != nil {
		return fmt.Errorf("look up veth %s: %w", hostName, err)
	}
	if err := netlink.LinkSetMaster(host, br); err != nil {
		return fmt.Errorf("attach %s to %s: %w", hostName, n.bridgeName, err)
	}
	if err := netlink.LinkSetUp(host); err != nil {
		return fmt.Errorf("set %s up: %w", hostName, err)
	}

	h, err := netlink.NewHandleAt(ns)
	if err != nil {
		return fmt.Errorf("open netlink in %s: %w", name, err)
	}
	defer h.Close()
	peer, err := h.LinkByName(peerName)
	if err != nil {
		return fmt.Errorf("look up %s in %s: %w", peerName, name, err)
	}
	if err := h.LinkSetName(peer, "eth0"); err != nil {
		return fmt.Errorf("rename %s to eth0: %w", peerName, err)
	}
	addr := &netlink.Addr{IPNet: &net.IPNet{IP: ip, Mask: n.subnet.Mask}}
	if err := h.AddrAdd(peer, addr); err != nil {
		return fmt.Errorf("add %s to eth0 in %s: %w", addr.IPNet, name, err)
	}
	if err := h.LinkSetUp(peer); err != nil {
		return fmt.Errorf("set eth0 up in %s: %w", name, err)
	}
	lo, err := h.LinkByName("lo")
	if err != nil {
		return fmt.Errorf("look up lo in %s: %w", name, err)
	}
	if err := h.LinkSetUp(lo); err != nil {
		return fmt.Errorf("set lo up in %s: %w", name, err)
	}
	route := &netlink.Route{LinkIndex: peer.Attrs().Index, Gw: n.gateway}
	if err := h.RouteAdd(route); err != nil {
		return fmt.Errorf("add default route via %s in %s: %w", n.gateway, name, err)
	}
	return nil
}

// newNamedNetns creates /var/run/netns/name without moving the calling goroutine's thread
// into it for longer than the creation.
func newNamedNetns(name string) (netns.NsHandle, error) {
	runtime.LockOSThread()
	orig, err := netns.Get()
	if err != nil {
		runtime.UnlockOSThread()
		return 0, fmt.Errorf("get current netns: %w", err)
	}
	defer orig.Close()
	ns, err := netns.NewNamed(name)
	if err != nil {
		if serr := netns.Set(orig); serr != nil {
			// Leave the thread locked: it dies with the goroutine instead of being reused.
			return 0, fmt.Errorf("create netns %s: %w", name, errors.Join(err, serr))
		}
		runtime.UnlockOSThread()
		return 0, fmt.Errorf("create netns %s: %w", name, err)
	}
	if err := netns.Set(orig); err != nil {
		ns.Close()
		return 0, fmt.Errorf("return from netns %s: %w", name, err)
	}
	runtime.UnlockOSThread()
	return ns, nil
}

// TeardownPod removes the pod's veth and namespace (its address stays allocated).
func (n *network) TeardownPod(uid string) error {
	err := n.removePod(uid)
	n.mu.Lock()
	delete(n.pods, uid)
	n.mu.Unlock()
	return err
}

// ReleasePod tears the pod's network down and frees its address.
func (n *network) ReleasePod(uid string) error {
	return errors.Join(n.TeardownPod(uid), n.ipam.Release(uid))
}

func (n *network) removePod(uid string) error {
	var errs []error
	hostName, _ := vethNames(uid)
	if link, err := netlink.LinkByName(hostName); err == nil {
		if err := netlink.LinkDel(link); err != nil {
			errs = append(errs, fmt.Errorf("delete veth %s: %w", hostName, err))
		}
	}
	name := netnsName(uid)
	if _, err := os.Stat(filepath.Join(netnsDir, name)); err == nil {
		if err := netns.DeleteNamed(name); err != nil {
			errs = append(errs, fmt.Errorf("delete netns %s: %w", name, err))
		}
	}
	return errors.Join(errs...)
}

// TeardownAll removes every pod namespace this agent made (addresses stay allocated so the
// pods get them back after a restart).
func (n *network) TeardownAll() error {
	n.mu.Lock()
	uids := make([]string, 0, len(n.pods))
	for uid := range n.pods {
		uids = append(uids, uid)
	}
	n.mu.Unlock()
	var errs []error
	for _, uid := range uids {
		errs = append(errs, n.TeardownPod(uid))
	}
	return errors.Join(errs...)
}
