package cluster

import (
	"bytes"
	"crypto"
	"crypto/x509"
	"os"
	"path/filepath"
	"slices"
	"testing"

	certutil "k8s.io/client-go/util/cert"
	"k8s.io/client-go/util/keyutil"
)

func testConfig() Config {
	return Config{APIPort: 6443, EtcdClientPort: 2379, EtcdPeerPort: 2380, KubeletPort: 10250,
		PodCIDR: "10.244.42.0/24", Bridge: "flt01234567", BridgeIP: "10.244.42.1"}
}

func loadCert(t *testing.T, dir, name string) *x509.Certificate {
	t.Helper()
	certs, err := certutil.CertsFromFile(filepath.Join(pkiDir(dir), name+".crt"))
	if err != nil {
		t.Fatal(err)
	}
	return certs[0]
}

func TestEnsurePKICertificates(t *testing.T) {
	dir := t.TempDir()
	if err := ensurePKI(dir, testConfig()); err != nil {
		t.Fatal(err)
	}
	ca := loadCert(t, dir, "ca")
	if !ca.IsCA {
		t.Fatal("ca.crt is not a CA")
	}
	roots := x509.NewCertPool()
	roots.AddCert(ca)

	tests := []struct {
		name   string
		cn     string
		orgs   []string
		dns    []string
		ips    []string
		usages []x509.ExtKeyUsage
	}{
		{name: "apiserver", cn: "kube-apiserver",
			dns: []string{"localhost", "kubernetes", "kubernetes.default", "kubernetes.default.svc",
				"kubernetes.default.svc.cluster.local"},
			ips:    []string{"127.0.0.1", "10.244.42.1", "10.96.0.1"},
			usages: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}},
		{name: "kubelet", cn: NodeName, dns: []string{NodeName}, ips: []string{"127.0.0.1", "10.244.42.1"},
			usages: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}},
		{name: "admin", cn: "kubernetes-admin", orgs: []string{"system:masters"},
			usages: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}},
		{name: "controller-manager", cn: "system:kube-controller-manager",
			usages: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}},
		{name: "scheduler", cn: "system:kube-scheduler",
			usages: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}},
		{name: "node", cn: "system:node:flotilla-local", orgs: []string{"system:nodes"},
			usages: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}},
		{name: "apiserver-kubelet-client", cn: "kube-apiserver-kubelet-client", orgs: []string{"system:masters"},
			usages: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := loadCert(t, dir, tt.name)
			if c.Subject.CommonName != tt.cn {
				t.Errorf("CN = %q, want %q", c.Subject.CommonName, tt.cn)
			}
			if !sameStrings(c.Subject.Organization, tt.orgs) {
				t.Errorf("O = %v, want %v", c.Subject.Organization, tt.orgs)
			}
			if !sameStrings(c.DNSNames, tt.dns) {
				t.Errorf("DNS SANs = %v, want %v", c.DNSNames, tt.dns)
			}
			if !sameStrings(ipStrings(c.IPAddresses), tt.ips) {
				t.Errorf("IP SANs = %v, want %v", c.IPAddresses, tt.ips)
			}
			if !slices.Equal(c.ExtKeyUsage, tt.usages) {
				t.Errorf("ext key usages = %v, want %v", c.ExtKeyUsage, tt.usages)
			}
			if c.IsCA {
				t.Error("leaf certificate is a CA")
			}
			if _, err := c.Verify(x509.VerifyOptions{Roots: roots, KeyUsages: tt.usages}); err != nil {
				t.Errorf("does not chain to the CA: %v", err)
			}
			key, err := keyutil.PrivateKeyFromFile(filepath.Join(pkiDir(dir), tt.name+".key"))
			if err != nil {
				t.Fatal(err)
			}
			pub, err := x509.MarshalPKIXPublicKey(key.(crypto.Signer).Public())
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(pub, c.RawSubjectPublicKeyInfo) {
				t.Error("key does not match certificate")
			}
		})
	}
}

func TestEnsurePKIFileModesAndServiceAccountKey(t *testing.T) {
	dir := t.TempDir()
	if err := ensurePKI(dir, testConfig()); err != nil {
		t.Fatal(err)
	}
	keys, err := filepath.Glob(filepath.Join(pkiDir(dir), "*.key"))
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) != 9 { // ca, 7 leaves, sa
		t.Errorf("got %d keys, want 9: %v", len(keys), keys)
	}
	for _, k := range keys {
		st, err := os.Stat(k)
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode().Perm() != 0o600 {
			t.Errorf("%s has mode %v, want 0600", k, st.Mode().Perm())
		}
	}
	pubs, err := keyutil.PublicKeysFromFile(filepath.Join(pkiDir(dir), "sa.pub"))
	if err != nil || len(pubs) != 1 {
		t.Fatalf("sa.pub: %v %v", pubs, err)
	}
	priv, err := keyutil.PrivateKeyFromFile(filepath.Join(pkiDir(dir), "sa.key"))
	if err != nil {
		t.Fatal(err)
	}
	if !priv.(crypto.Signer).Public().(interface{ Equal(crypto.PublicKey) bool }).Equal(pubs[0]) {
		t.Error("sa.pub is not sa.key's public key")
	}
}

func TestEnsurePKIReusesAndRepairs(t *testing.T) {
	dir := t.TempDir()
	cfg := testConfig()
	if err := ensurePKI(dir, cfg); err != nil {
		t.Fatal(err)
	}
	read := func(name string) []byte {
		data, err := os.ReadFile(filepath.Join(pkiDir(dir), name))
		if err != nil {
			t.Fatal(err)
		}
		return data
	}
	before := map[string][]byte{}
	for _, name := range []string{"ca.crt", "ca.key", "apiserver.crt", "admin.key", "kubelet.crt", "sa.key", "sa.pub"} {
		before[name] = read(name)
	}
	if err := ensurePKI(dir, cfg); err != nil {
		t.Fatal(err)
	}
	for name, data := range before {
		if !bytes.Equal(read(name), data) {
			t.Errorf("%s changed on a second start", name)
		}
	}

	// A serving certificate whose SANs no longer match the config is reissued, by the same CA.
	cfg.BridgeIP = "10.244.43.1"
	if err := ensurePKI(dir, cfg); err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(read("apiserver.crt"), before["apiserver.crt"]) {
		t.Error("apiserver.crt not reissued for a new bridge IP")
	}
	if !slices.Contains(ipStrings(loadCert(t, dir, "apiserver").IPAddresses), "10.244.43.1") {
		t.Error("reissued apiserver.crt lacks the new bridge IP")
	}
	if !bytes.Equal(read("ca.crt"), before["ca.crt"]) || !bytes.Equal(read("admin.key"), before["admin.key"]) {
		t.Error("CA or unrelated client certificate changed")
	}
}
