package cluster

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strconv"
)

// NodeName is the name of the cluster's only node.
const NodeName = "flotilla-local"

// ServiceCIDR is the cluster's service IP range; its first address is the kubernetes Service.
const ServiceCIDR = "10.96.0.0/16"

// Config is what a cluster directory remembers between starts, in D/cluster.json.
type Config struct {
	// APIPort is the API server's secure port on 127.0.0.1.
	APIPort int `json:"apiPort"`
	// EtcdClientPort and EtcdPeerPort are etcd's plain-HTTP ports on 127.0.0.1.
	EtcdClientPort int `json:"etcdClientPort"`
	EtcdPeerPort   int `json:"etcdPeerPort"`
	// KubeletPort is the node agent's kubelet API port.
	KubeletPort int `json:"kubeletPort"`
	// PodCIDR is the node's pod range, 10.244.N.0/24.
	PodCIDR string `json:"podCIDR"`
	// Bridge is the name of the node's bridge interface, flt + 8 hex digits.
	Bridge string `json:"bridge"`
	// BridgeIP is the first address of PodCIDR, held by the bridge.
	BridgeIP string `json:"bridgeIP"`
}

// configFile is the name of the persisted Config inside a cluster directory.
const configFile = "cluster.json"

// loadConfig reads D/cluster.json; ok is false when it does not exist yet.
func loadConfig(dir string) (cfg Config, ok bool, err error) {
	data, err := os.ReadFile(filepath.Join(dir, configFile))
	if errors.Is(err, fs.ErrNotExist) {
		return Config{}, false, nil
	}
	if err != nil {
		return Config{}, false, fmt.Errorf("read cluster config: %w", err)
	}
	if err := json.Unmarshal(data, &cfg); err != nil {
		return Config{}, false, fmt.Errorf("parse %s: %w", filepath.Join(dir, configFile), err)
	}
	return cfg, true, nil
}

// saveConfig writes D/cluster.json atomically.
func saveConfig(dir string, cfg Config) error {
	data, err := json.MarshalIndent(cfg, "", "  ")
	if err != nil {
		return fmt.Errorf("encode cluster config: %w", err)
	}
	return writeFileAtomic(filepath.Join(dir, configFile), append(data, '\n'), 0o644)
}

// prepareConfig loads the directory's Config, fills in whatever is missing (first start) and
// replaces persisted ports that are no longer free; it saves the result when anything changed.
func prepareConfig(dir string, hostNets []*net.IPNet, portFree func(int) bool) (Config, error) {
	cfg, _, err := loadConfig(dir)
	if err != nil {
		return Config{}, err
	}
	before := cfg
	if cfg.PodCIDR == "" {
		cidr, err := choosePodCIDR(dir, hostNets)
		if err != nil {
			return Config{}, err
		}
		cfg.PodCIDR = cidr.String()
	}
	_, cidr, err := net.ParseCIDR(cfg.PodCIDR)
	if err != nil {
		return Config{}, fmt.Errorf("pod CIDR %q in %s: %w", cfg.PodCIDR, configFile, err)
	}
	if cfg.BridgeIP == "" {
		cfg.BridgeIP = bridgeIP(cidr).String()
	}
	if cfg.Bridge == "" {
		cfg.Bridge = bridgeName(dir)
	}
	taken := map[int]bool{}
	for _, port := range []*int{&cfg.APIPort, &cfg.EtcdClientPort, &cfg.EtcdPeerPort, &cfg.KubeletPort} {
		if *port == 0 || taken[*port] || !portFree(*port) {
			p, err := freePort(taken)
			if err != nil {
				return Config{}, err
			}
			*port = p
		}
		taken[*port] = true
	}
	if cfg != before {
		if err := saveConfig(dir, cfg); err != nil {
			return Config{}, err
		}
	}
	return cfg, nil
}

// dirHash is the hex SHA-256 of the absolute cluster directory.
func dirHash(dir string) string {
	sum := sha256.Sum256([]byte(dir))
	return hex.EncodeToString(sum[:])
}

// bridgeName is flt plus the first 8 hex digits of the directory's hash (11 characters, under
// the kernel's 15-character limit for interface names).
func bridgeName(dir string) string { return "flt" + dirHash(dir)[:8] }

// bridgeIP is the first host address of a CIDR.
func bridgeIP(cidr *net.IPNet) net.IP {
	ip := make(net.IP, len(cidr.IP.To4()))
	copy(ip, cidr.IP.To4())
	ip[len(ip)-1]++
	return ip
}

// freePort asks the kernel for a free port on 127.0.0.1 that is not in taken.
func freePort(taken map[int]bool) (int, error) {
	for range 20 {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return 0, fmt.Errorf("find a free port on 127.0.0.1: %w", err)
		}
		port := l.Addr().(*net.TCPAddr).Port
		if err := l.Close(); err != nil {
			return 0, fmt.Errorf("release probe port %d: %w", port, err)
		}
		if !taken[port] {
			return port, nil
		}
	}
	return 0, errors.New("find a free port on 127.0.0.1: kernel kept returning taken ports")
}

// portFree reports whether 127.0.0.1:port can be listened on now.
func portFree(port int) bool {
	l, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
	if err != nil {
		return false
	}
	return l.Close() == nil
}

// writeFileAtomic writes data to a temporary file beside path and renames it into place.
func writeFileAtomic(path string, data []byte, mode os.FileMode) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer os.Remove(tmp.Name()) //nolint:errcheck // gone after a successful rename
	if _, err := tmp.Write(data); err != nil {
		tmp.Close() //nolint:errcheck // the write error is the one to report
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Chmod(mode); err != nil {
		tmp.Close() //nolint:errcheck // the chmod error is the one to report
		return fmt.Errorf("chmod %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
