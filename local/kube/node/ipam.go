package node

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"sync"
)

// ipam hands out pod addresses from the pod CIDR, persisted in a JSON file keyed by pod UID so
// that a restarted agent gives a pod the address it had. The network address, the gateway
// (the bridge, .1) and the broadcast address are never handed out; allocation goes round-robin
// from the last address given so that a released address is not reused at once.
type ipam struct {
	path    string
	subnet  *net.IPNet
	gateway net.IP

	mu    sync.Mutex
	state ipamState
}

type ipamState struct {
	Subnet      string            `json:"subnet"`
	Last        string            `json:"last,omitempty"`
	Allocations map[string]string `json:"allocations"` // pod UID -> IPv4 address
}

func loadIPAM(path string, subnet *net.IPNet, gateway net.IP) (*ipam, error) {
	if subnet.IP.To4() == nil {
		return nil, fmt.Errorf("pod CIDR %s: only IPv4 is supported", subnet)
	}
	a := &ipam{path: path, subnet: subnet, gateway: gateway.To4()}
	data, err := os.ReadFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return nil, fmt.Errorf("read IPAM state: %w", err)
	default:
		if err := json.Unmarshal(data, &a.state); err != nil {
			return nil, fmt.Errorf("parse IPAM state %s: %w", path, err)
		}
	}
	if a.state.Subnet != subnet.String() {
		// Another CIDR: earlier allocations mean nothing now.
		a.state = ipamState{Subnet: subnet.String()}
	}
	if a.state.Allocations == nil {
		a.state.Allocations = map[string]string{}
	}
	return a, nil
}

// Allocate returns the pod's address, allocating and persisting one if it has none.
func (a *ipam) Allocate(uid string) (net.IP, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if s, ok := a.state.Allocations[uid]; ok {
		if ip := net.ParseIP(s).To4(); ip != nil && a.subnet.Contains(ip) {
			return ip, nil
		}
	}
	used := map[uint32]bool{}
	for _, s := range a.state.Allocations {
		if ip := net.ParseIP(s).To4(); ip != nil {
			used[ipToUint(ip)] = true
		}
	}
	base := ipToUint(a.subnet.IP.To4())
	ones, bits := a.subnet.Mask.Size()
	size := uint32(1) << uint(bits-ones)
	if size < 4 {
		return nil, fmt.Errorf("pod CIDR %s is too small", a.subnet)
	}
	start := uint32(0)
	if last := net.ParseIP(a.state.Last).To4(); last != nil && a.subnet.Contains(last) {
		start = ipToUint(last) - base
	}
	gw := ipToUint(a.gateway)
	for i := uint32(1); i <= size; i++ {
		off := (start + i) % size
		if off == 0 || off == size-1 { // network and broadcast
			continue
		}
		cand := base + off
		if cand == gw || used[cand] {
			continue
		}
		ip := uintToIP(cand)
		a.state.Allocations[uid] = ip.String()
		a.state.Last = ip.String()
		if err := a.save(); err != nil {
			delete(a.state.Allocations, uid)
			return nil, err
		}
		return ip, nil
	}
	return nil, fmt.Errorf("pod CIDR %s is exhausted (%d pods)", a.subnet, len(a.state.Allocations))
}

// Release forgets the pod's address.
func (a *ipam) Release(uid string) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if _, ok := a.state.Allocations[uid]; !ok {
		return nil
	}
	delete(a.state.Allocations, uid)
	return a.save()
}

// UIDs lists the pods holding an address.
func (a *ipam) UIDs() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	out := make([]string, 0, len(a.state.Allocations))
	for uid := range a.state.Allocations {
		out = append(out, uid)
	}
	return out
}

func (a *ipam) save() error {
	data, err := json.MarshalIndent(a.state, "", "  ")
	if err != nil {
		return fmt.Errorf("encode IPAM state: %w", err)
	}
	if err := writeFileAtomic(a.path, data, 0o644); err != nil {
		return fmt.Errorf("save IPAM state: %w", err)
	}
	return nil
}

func ipToUint(ip net.IP) uint32 { return binary.BigEndian.Uint32(ip.To4()) }

func uintToIP(v uint32) net.IP {
	ip := make(net.IP, 4)
	binary.BigEndian.PutUint32(ip, v)
	return ip
}

// writeFileAtomic writes through a temporary file and a rename, creating the directory.
func writeFileAtomic(path string, data []byte, mode os.FileMode) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("create %s: %w", dir, err)
	}
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	tmp := f.Name()
	_, werr := f.Write(data)
	cerr := f.Close()
	if err := errors.Join(werr, cerr, os.Chmod(tmp, mode)); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
