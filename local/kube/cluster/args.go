package cluster

import (
	"path/filepath"
	"strconv"
)

// serviceAccountIssuer is the issuer (and API audience) of service-account tokens.
const serviceAccountIssuer = "https://kubernetes.default.svc.cluster.local"

// controllers are the controller manager's enabled controllers: every on-by-default one,
// which includes deployment, replicaset, statefulset, garbage-collector, namespace,
// serviceaccount, serviceaccount-token, endpointslice, endpointslice-mirroring, disruption,
// job, ttl-after-finished and root-ca-certificate-publisher.
const controllers = "*"

func etcdClientURL(cfg Config) string { return "http://127.0.0.1:" + strconv.Itoa(cfg.EtcdClientPort) }
func etcdPeerURL(cfg Config) string   { return "http://127.0.0.1:" + strconv.Itoa(cfg.EtcdPeerPort) }

// etcdArgs are the flags of kube etcd.
func etcdArgs(dir string, cfg Config) []string {
	return []string{
		"--name=flotilla",
		"--data-dir=" + filepath.Join(dir, "etcd"),
		"--listen-client-urls=" + etcdClientURL(cfg),
		"--listen-peer-urls=" + etcdPeerURL(cfg),
	}
}

// apiServerArgs are the flags of kube apiserver.
func apiServerArgs(dir string, cfg Config) []string {
	pki := pkiDir(dir)
	p := func(name string) string { return filepath.Join(pki, name) }
	return []string{
		"--etcd-servers=" + etcdClientURL(cfg),
		"--bind-address=127.0.0.1",
		"--secure-port=" + strconv.Itoa(cfg.APIPort),
		"--advertise-address=" + cfg.BridgeIP,
		"--service-cluster-ip-range=" + ServiceCIDR,
		"--authorization-mode=Node,RBAC",
		"--enable-admission-plugins=NodeRestriction",
		"--client-ca-file=" + p("ca.crt"),
		"--tls-cert-file=" + p("apiserver.crt"),
		"--tls-private-key-file=" + p("apiserver.key"),
		"--kubelet-client-certificate=" + p("apiserver-kubelet-client.crt"),
		"--kubelet-client-key=" + p("apiserver-kubelet-client.key"),
		"--kubelet-certificate-authority=" + p("ca.crt"),
		"--kubelet-preferred-address-types=InternalIP",
		"--service-account-key-file=" + p("sa.pub"),
		"--service-account-signing-key-file=" + p("sa.key"),
		"--service-account-issuer=" + serviceAccountIssuer,
		"--api-audiences=" + serviceAccountIssuer,
		"--audit-policy-file=" + auditPolicyPath(dir),
		"--audit-log-path=" + filepath.Join(dir, "audit.log"),
		"--audit-log-maxsize=100",
		"--audit-log-maxbackup=3",
		"--profiling=false",
		"--allow-privileged=true",
	}
}

// controllerManagerArgs are the flags of kube controller-manager.
func controllerManagerArgs(dir string) []string {
	pki := pkiDir(dir)
	kubeconfig := filepath.Join(pki, "controller-manager.kubeconfig")
	return []string{
		"--kubeconfig=" + kubeconfig,
		"--authentication-kubeconfig=" + kubeconfig,
		"--authorization-kubeconfig=" + kubeconfig,
		"--service-account-private-key-file=" + filepath.Join(pki, "sa.key"),
		"--root-ca-file=" + filepath.Join(pki, "ca.crt"),
		"--cluster-signing-cert-file=" + filepath.Join(pki, "ca.crt"),
		"--cluster-signing-key-file=" + filepath.Join(pki, "ca.key"),
		"--service-cluster-ip-range=" + ServiceCIDR,
		"--use-service-account-credentials=true",
		"--controllers=" + controllers,
		"--leader-elect=false",
		"--bind-address=127.0.0.1",
		"--secure-port=0",
		"--profiling=false",
	}
}

// schedulerArgs are the flags of kube scheduler.
func schedulerArgs(dir string) []string {
	kubeconfig := filepath.Join(pkiDir(dir), "scheduler.kubeconfig")
	return []string{
		"--kubeconfig=" + kubeconfig,
		"--authentication-kubeconfig=" + kubeconfig,
		"--authorization-kubeconfig=" + kubeconfig,
		"--leader-elect=false",
		"--bind-address=127.0.0.1",
		"--secure-port=0",
		"--profiling=false",
	}
}

// nodeArgs are the flags of kube node, the node agent.
func nodeArgs(dir string, cfg Config) []string {
	pki := pkiDir(dir)
	return []string{
		"--dir", dir,
		"--kubeconfig", filepath.Join(pki, "node.kubeconfig"),
		"--node-name", NodeName,
		"--pod-cidr", cfg.PodCIDR,
		"--bridge", cfg.Bridge,
		"--kubelet-port", strconv.Itoa(cfg.KubeletPort),
		"--tls-cert", filepath.Join(pki, "kubelet.crt"),
		"--tls-key", filepath.Join(pki, "kubelet.key"),
		"--client-ca", filepath.Join(pki, "ca.crt"),
		"--api-port", strconv.Itoa(cfg.APIPort),
		"--images", imagesPath(dir),
	}
}
