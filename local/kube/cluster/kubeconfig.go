package cluster

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
)

// ContextName is the context (and cluster) name in every kubeconfig the cluster writes.
const ContextName = "flotilla-local"

// kubeconfigs maps each kubeconfig file to the client certificate (D/pki/<name>.crt) it uses.
func kubeconfigs(dir string) map[string]string {
	return map[string]string{
		adminKubeconfig(dir): "admin",
		filepath.Join(pkiDir(dir), "controller-manager.kubeconfig"): "controller-manager",
		filepath.Join(pkiDir(dir), "scheduler.kubeconfig"):          "scheduler",
		filepath.Join(pkiDir(dir), "node.kubeconfig"):               "node",
	}
}

// adminKubeconfig is the kubeconfig users (and kubectl) use: D/kubeconfig.
func adminKubeconfig(dir string) string { return filepath.Join(dir, "kubeconfig") }

// apiServerURL is the API server's address as clients reach it.
func apiServerURL(cfg Config) string {
	return "https://127.0.0.1:" + strconv.Itoa(cfg.APIPort)
}

// writeKubeconfigs (re)writes every kubeconfig with the current API port. Certificates and keys
// are embedded, so each file works from any working directory and on its own.
func writeKubeconfigs(dir string, cfg Config) error {
	caPEM, err := os.ReadFile(filepath.Join(pkiDir(dir), "ca.crt"))
	if err != nil {
		return fmt.Errorf("read CA for kubeconfigs: %w", err)
	}
	for path, certName := range kubeconfigs(dir) {
		kc, err := buildKubeconfig(apiServerURL(cfg), caPEM, pkiDir(dir), certName)
		if err != nil {
			return err
		}
		if err := clientcmd.WriteToFile(*kc, path); err != nil {
			return fmt.Errorf("write kubeconfig %s: %w", path, err)
		}
		if err := os.Chmod(path, 0o600); err != nil {
			return fmt.Errorf("chmod kubeconfig %s: %w", path, err)
		}
	}
	return nil
}

// buildKubeconfig makes a one-context kubeconfig for the client certificate D/pki/<certName>.
func buildKubeconfig(server string, caPEM []byte, pki, certName string) (*clientcmdapi.Config, error) {
	certPEM, err := os.ReadFile(filepath.Join(pki, certName+".crt"))
	if err != nil {
		return nil, fmt.Errorf("read client certificate %s: %w", certName, err)
	}
	keyPEM, err := os.ReadFile(filepath.Join(pki, certName+".key"))
	if err != nil {
		return nil, fmt.Errorf("read client key %s: %w", certName, err)
	}
	kc := clientcmdapi.NewConfig()
	kc.Clusters[ContextName] = &clientcmdapi.Cluster{Server: server, CertificateAuthorityData: caPEM}
	kc.AuthInfos[certName] = &clientcmdapi.AuthInfo{ClientCertificateData: certPEM, ClientKeyData: keyPEM}
	kc.Contexts[ContextName] = &clientcmdapi.Context{Cluster: ContextName, AuthInfo: certName}
	kc.CurrentContext = ContextName
	return kc, nil
}
