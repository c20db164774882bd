package cluster

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"slices"
	"time"

	certutil "k8s.io/client-go/util/cert"
	"k8s.io/client-go/util/keyutil"
)

const (
	// leafValidity is how long issued certificates last; they are reissued on a start when
	// less than leafRenewBefore remains. The CA lasts 10 years (client-go's default).
	leafValidity    = 365 * 24 * time.Hour
	leafRenewBefore = 30 * 24 * time.Hour
)

// certSpec describes one certificate signed by the cluster CA, kept as D/pki/<name>.crt/.key.
type certSpec struct {
	name   string
	cn     string
	orgs   []string
	dns    []string
	ips    []net.IP
	usages []x509.ExtKeyUsage
}

// pkiDir is where a cluster directory keeps its certificates and keys.
func pkiDir(dir string) string { return filepath.Join(dir, "pki") }

// certSpecs lists every certificate the cluster needs besides its CA.
func certSpecs(cfg Config) []certSpec {
	bridge := net.ParseIP(cfg.BridgeIP)
	loopback := net.ParseIP("127.0.0.1")
	serviceIP := net.ParseIP("10.96.0.1")
	client := []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}
	server := []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}
	return []certSpec{
		{
			name: "apiserver", cn: "kube-apiserver", usages: server,
			ips: []net.IP{loopback, bridge, serviceIP},
			dns: []string{"localhost", "kubernetes", "kubernetes.default", "kubernetes.default.svc",
				"kubernetes.default.svc.cluster.local"},
		},
		{name: "admin", cn: "kubernetes-admin", orgs: []string{"system:masters"}, usages: client},
		{name: "controller-manager", cn: "system:kube-controller-manager", usages: client},
		{name: "scheduler", cn: "system:kube-scheduler", usages: client},
		{name: "node", cn: "system:node:" + NodeName, orgs: []string{"system:nodes"}, usages: client},
		{name: "apiserver-kubelet-client", cn: "kube-apiserver-kubelet-client", orgs: []string{"system:masters"}, usages: client},
		{name: "kubelet", cn: NodeName, usages: server, ips: []net.IP{loopback, bridge}, dns: []string{NodeName}},
	}
}

// ensurePKI creates D/pki on first start and afterwards reuses it, reissuing only certificates
// that are missing, no longer match their spec, are not signed by the CA or are about to expire.
func ensurePKI(dir string, cfg Config) error {
	pki := pkiDir(dir)
	if err := os.MkdirAll(pki, 0o700); err != nil {
		return fmt.Errorf("create %s: %w", pki, err)
	}
	ca, caKey, err := ensureCA(pki)
	if err != nil {
		return err
	}
	roots := x509.NewCertPool()
	roots.AddCert(ca)
	for _, spec := range certSpecs(cfg) {
		if certMatches(pki, spec, roots) {
			continue
		}
		if err := issue(pki, spec, ca, caKey); err != nil {
			return err
		}
	}
	return ensureServiceAccountKey(pki)
}

// ensureCA loads D/pki/ca.crt and ca.key, creating both when either is missing.
func ensureCA(pki string) (*x509.Certificate, crypto.Signer, error) {
	certPath, keyPath := filepath.Join(pki, "ca.crt"), filepath.Join(pki, "ca.key")
	if exists(certPath) && exists(keyPath) {
		certs, err := certutil.CertsFromFile(certPath)
		if err != nil {
			return nil, nil, fmt.Errorf("load cluster CA: %w", err)
		}
		key, err := loadSigner(keyPath)
		if err != nil {
			return nil, nil, fmt.Errorf("load cluster CA: %w", err)
		}
		return certs[0], key, nil
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, fmt.Errorf("generate CA key: %w", err)
	}
	ca, err := certutil.NewSelfSignedCACert(certutil.Config{CommonName: "flotilla-local-ca"}, key)
	if err != nil {
		return nil, nil, fmt.Errorf("create CA certificate: %w", err)
	}
	if err := writeCertAndKey(pki, "ca", ca, key); err != nil {
		return nil, nil, err
	}
	return ca, key, nil
}

// certMatches reports whether D/pki/<spec.name>.crt and .key exist, match spec, chain to the
// CA and stay valid for longer than leafRenewBefore.
func certMatches(pki string, spec certSpec, roots *x509.CertPool) bool {
	certPath, keyPath := filepath.Join(pki, spec.name+".crt"), filepath.Join(pki, spec.name+".key")
	if !exists(keyPath) {
		return false
	}
	certs, err := certutil.CertsFromFile(certPath)
	if err != nil {
		return false
	}
	c := certs[0]
	if _, err := c.Verify(x509.VerifyOptions{Roots: roots, KeyUsages: spec.usages}); err != nil {
		return false
	}
	if time.Until(c.NotAfter) < leafRenewBefore {
		return false
	}
	return c.Subject.CommonName == spec.cn &&
		sameStrings(c.Subject.Organization, spec.orgs) &&
		sameStrings(c.DNSNames, spec.dns) &&
		sameStrings(ipStrings(c.IPAddresses), ipStrings(spec.ips)) &&
		slices.Equal(c.ExtKeyUsage, spec.usages)
}

// issue creates a fresh key and a certificate for spec signed by the CA.
func issue(pki string, spec certSpec, ca *x509.Certificate, caKey crypto.Signer) error {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return fmt.Errorf("generate key for %s: %w", spec.name, err)
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		return fmt.Errorf("serial number for %s: %w", spec.name, err)
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: spec.cn, Organization: spec.orgs},
		NotBefore:             now.Add(-5 * time.Minute), // tolerate small clock steps
		NotAfter:              now.Add(leafValidity),
		KeyUsage:              x509.KeyUsageDigitalSignature,
		ExtKeyUsage:           spec.usages,
		BasicConstraintsValid: true,
		DNSNames:              spec.dns,
		IPAddresses:           spec.ips,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, key.Public(), caKey)
	if err != nil {
		return fmt.Errorf("sign certificate %s: %w", spec.name, err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		return fmt.Errorf("parse certificate %s: %w", spec.name, err)
	}
	return writeCertAndKey(pki, spec.name, c, key)
}

// ensureServiceAccountKey creates the service-account token signing pair sa.key/sa.pub once.
func ensureServiceAccountKey(pki string) error {
	keyPath, pubPath := filepath.Join(pki, "sa.key"), filepath.Join(pki, "sa.pub")
	if exists(keyPath) && exists(pubPath) {
		return nil
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return fmt.Errorf("generate service-account key: %w", err)
	}
	keyPEM, err := keyutil.MarshalPrivateKeyToPEM(key)
	if err != nil {
		return fmt.Errorf("encode service-account key: %w", err)
	}
	pubDER, err := x509.MarshalPKIXPublicKey(key.Public())
	if err != nil {
		return fmt.Errorf("encode service-account public key: %w", err)
	}
	if err := keyutil.WriteKey(keyPath, keyPEM); err != nil {
		return fmt.Errorf("write %s: %w", keyPath, err)
	}
	pubPEM := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pubDER})
	if err := os.WriteFile(pubPath, pubPEM, 0o644); err != nil {
		return fmt.Errorf("write %s: %w", pubPath, err)
	}
	return nil
}

// writeCertAndKey writes <name>.crt (0644) and <name>.key (0600) under pki.
func writeCertAndKey(pki, name string, c *x509.Certificate, key crypto.Signer) error {
	keyPEM, err := keyutil.MarshalPrivateKeyToPEM(key)
	if err != nil {
		return fmt.Errorf("encode key %s: %w", name, err)
	}
	certPEM, err := certutil.EncodeCertificates(c)
	if err != nil {
		return fmt.Errorf("encode certificate %s: %w", name, err)
	}
	keyPath, certPath := filepath.Join(pki, name+".key"), filepath.Join(pki, name+".crt")
	if err := keyutil.WriteKey(keyPath, keyPEM); err != nil {
		return fmt.Errorf("write %s: %w", keyPath, err)
	}
	if err := certutil.WriteCert(certPath, certPEM); err != nil {
		return fmt.Errorf("write %s: %w", certPath, err)
	}
	return nil
}

// loadSigner reads a PEM private key that can sign.
func loadSigner(path string) (crypto.Signer, error) {
	key, err := keyutil.PrivateKeyFromFile(path)
	if err != nil {
		return nil, fmt.Errorf("read key %s: %w", path, err)
	}
	signer, ok := key.(crypto.Signer)
	if !ok {
		return nil, fmt.Errorf("key %s cannot sign (%T)", path, key)
	}
	return signer, nil
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return !errors.Is(err, fs.ErrNotExist)
}

func ipStrings(ips []net.IP) []string {
	out := make([]string, 0, len(ips))
	for _, ip := range ips {
		out = append(out, ip.String())
	}
	return out
}

// sameStrings compares two lists as sets (order and duplicates ignored).
func sameStrings(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(slices.Compact(a), slices.Compact(b))
}
