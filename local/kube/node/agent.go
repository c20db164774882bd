// Package node is Flotilla's node agent: a virtual-kubelet provider that registers one Node and
// runs the pods bound to it as local processes, each in its own network namespace on a bridge.
package node

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"strconv"
	"syscall"
	"time"

	vklog "github.com/virtual-kubelet/virtual-kubelet/log"
	vkslog "github.com/virtual-kubelet/virtual-kubelet/log/slog"
	vknode "github.com/virtual-kubelet/virtual-kubelet/node"
	"github.com/virtual-kubelet/virtual-kubelet/node/api"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/kubernetes/scheme"
	typedcorev1 "k8s.io/client-go/kubernetes/typed/core/v1"
	"k8s.io/client-go/tools/clientcmd"
	"k8s.io/client-go/tools/record"
)

// config is the agent's command line.
type config struct {
	dir                string
	kubeconfig         string
	nodeName           string
	podCIDR            string
	bridge             string
	kubeletPort        int
	apiPort            int
	tlsCert, tlsKey    string
	clientCA           string
	images             string
	restartBackoffBase time.Duration
	shutdownGrace      time.Duration
	verbose            bool
}

func parseFlags(args []string) (*config, error) {
	c := &config{}
	fs := flag.NewFlagSet("kube node", flag.ContinueOnError)
	fs.StringVar(&c.dir, "dir", "", "cluster directory (state goes to DIR/node)")
	fs.StringVar(&c.kubeconfig, "kubeconfig", "", "kubeconfig of the node identity (system:node:NAME)")
	fs.StringVar(&c.nodeName, "node-name", "flotilla-local", "Node name")
	fs.StringVar(&c.podCIDR, "pod-cidr", "", "pod CIDR, e.g. 10.244.0.0/24; the bridge takes its .1")
	fs.StringVar(&c.bridge, "bridge", "", "name of the Linux bridge for pods")
	fs.IntVar(&c.kubeletPort, "kubelet-port", 10250, "port of the kubelet API on the bridge address")
	fs.IntVar(&c.apiPort, "api-port", 6443, "API server port on 127.0.0.1, forwarded from the bridge address")
	fs.StringVar(&c.tlsCert, "tls-cert", "", "serving certificate of the kubelet API")
	fs.StringVar(&c.tlsKey, "tls-key", "", "key of the serving certificate")
	fs.StringVar(&c.clientCA, "client-ca", "", "CA that must have signed kubelet API clients")
	fs.StringVar(&c.images, "images", "", "image map (default DIR/images.yaml)")
	fs.DurationVar(&c.restartBackoffBase, "restart-backoff-base", 10*time.Second, "first crash-loop back-off (doubles up to 5m)")
	fs.DurationVar(&c.shutdownGrace, "shutdown-grace", 5*time.Second, "grace given to containers when the agent stops")
	fs.BoolVar(&c.verbose, "v", false, "debug logging")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	for name, v := range map[string]string{"--dir": c.dir, "--kubeconfig": c.kubeconfig, "--pod-cidr": c.podCIDR,
		"--bridge": c.bridge, "--tls-cert": c.tlsCert, "--tls-key": c.tlsKey, "--client-ca": c.clientCA} {
		if v == "" {
			return nil, fmt.Errorf("%s is required", name)
		}
	}
	if c.images == "" {
		c.images = filepath.Join(c.dir, "images.yaml")
	}
	abs, err := filepath.Abs(c.dir)
	if err != nil {
		return nil, fmt.Errorf("--dir: %w", err)
	}
	c.dir = abs
	if c.restartBackoffBase <= 0 {
		return nil, fmt.Errorf("--restart-backoff-base must be positive")
	}
	return c, nil
}

// Run registers the node and runs the pods scheduled to it until SIGTERM or SIGINT.
func Run(args []string) int {
	cfg, err := parseFlags(args)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		fmt.Fprintln(os.Stderr, "kube node:", err)
		return 2
	}
	level := slog.LevelInfo
	if cfg.verbose {
		level = slog.LevelDebug
	}
	logger := slog.New(oneLineHandler{slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level})}).With("component", "node")
	vklog.L = vkslog.FromSlog(logger)
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	if err := run(ctx, cfg, logger); err != nil {
		logger.Error("node agent failed", "error", err)
		return 1
	}
	logger.Info("node agent stopped")
	return 0
}

func run(ctx context.Context, cfg *config, logger *slog.Logger) (retErr error) {
	restCfg, err := clientcmd.BuildConfigFromFlags("", cfg.kubeconfig)
	if err != nil {
		return fmt.Errorf("load kubeconfig: %w", err)
	}
	restCfg.QPS, restCfg.Burst = 50, 100
	restCfg.UserAgent = "flotilla-node/" + cfg.nodeName
	client, err := kubernetes.NewForConfig(restCfg)
	if err != nil {
		return fmt.Errorf("create client: %w", err)
	}
	kubeExe, err := os.Executable()
	if err != nil {
		return fmt.Errorf("find own executable: %w", err)
	}
	stateDir := filepath.Join(cfg.dir, "node")
	if err := os.MkdirAll(filepath.Join(stateDir, "pods"), 0o755); err != nil {
		return fmt.Errorf("create state directory: %w", err)
	}

	netw, err := newNetwork(cfg.bridge, cfg.podCIDR, filepath.Join(stateDir, "ipam.json"))
	if err != nil {
		return err
	}
	if err := netw.SetupBridge(); err != nil {
		return err
	}
	defer func() {
		retErr = errors.Join(retErr, netw.TeardownAll(), netw.DeleteBridge())
	}()
	bridgeIP := netw.gateway.String()
	fwd, err := startForwarder(net.JoinHostPort(bridgeIP, strconv.Itoa(cfg.apiPort)),
		net.JoinHostPort("127.0.0.1", strconv.Itoa(cfg.apiPort)), logger)
	if err != nil {
		return err
	}
	defer fwd.Close()

	nodeObj, err := buildNode(cfg.nodeName, bridgeIP, cfg.kubeletPort, cfg.dir)
	if err != nil {
		return err
	}

	broadcaster := record.NewBroadcaster()
	broadcaster.StartRecordingToSink(&typedcorev1.EventSinkImpl{Interface: client.CoreV1().Events("")})
	defer broadcaster.Shutdown()
	recorder := broadcaster.NewRecorder(scheme.Scheme, corev1.EventSource{Component: "kubelet", Host: cfg.nodeName})

	objects := &clientObjects{client: client}
	prov := &provider{
		cfg: cfg, client: client, net: netw, objects: objects, recorder: recorder, log: logger,
		kubeExe: kubeExe, allocatable: nodeObj.Status.Allocatable,
		svcEnv: serviceEnv(bridgeIP, cfg.apiPort),
		pods:   map[string]*podRuntime{}, byUID: map[string]*podRuntime{},
	}
	defer prov.Shutdown(cfg.shutdownGrace)

	// Pods bound to this node only. The ConfigMap, Secret and Service informers the pod
	// controller insists on are never started: the Node authorizer forbids listing them, and
	// this provider resolves references itself (SkipDownwardAPIResolution).
	podFactory := informers.NewSharedInformerFactoryWithOptions(client, time.Minute,
		informers.WithTweakListOptions(func(o *metav1.ListOptions) {
			o.FieldSelector = fields.OneTermEqualSelector("spec.nodeName", cfg.nodeName).String()
		}))
	podInformer := podFactory.Core().V1().Pods()
	idle := informers.NewSharedInformerFactory(client, 0)
	pc, err := vknode.NewPodController(vknode.PodControllerConfig{
		PodClient:                 client.CoreV1(),
		PodInformer:               podInformer,
		EventRecorder:             recorder,
		Provider:                  prov,
		ConfigMapInformer:         idle.Core().V1().ConfigMaps(),
		SecretInformer:            idle.Core().V1().Secrets(),
		ServiceInformer:           idle.Core().V1().Services(),
		SkipDownwardAPIResolution: true,
	})
	if err != nil {
		return fmt.Errorf("create pod controller: %w", err)
	}
	nodes := client.CoreV1().Nodes()
	nc, err := vknode.NewNodeController(vknode.NaiveNodeProvider{}, nodeObj, nodes,
		vknode.WithNodeEnableLeaseV1(client.CoordinationV1().Leases(corev1.NamespaceNodeLease), vknode.DefaultLeaseDuration),
		vknode.WithNodeStatusUpdateErrorHandler(func(ctx context.Context, err error) error {
			if !apierrors.IsNotFound(err) {
				return err
			}
			logger.Warn("node object gone, registering again")
			_, err = nodes.Create(ctx, nodeObj.DeepCopy(), metav1.CreateOptions{})
			return err
		}))
	if err != nil {
		return fmt.Errorf("create node controller: %w", err)
	}

	srv, err := serveKubeletAPI(cfg, bridgeIP, prov, podInformer.Lister().List, logger)
	if err != nil {
		return err
	}
	defer srv.Close()

	ctrlCtx, cancelCtrl := context.WithCancel(ctx)
	defer cancelCtrl()
	podFactory.Start(ctrlCtx.Done())
	go pc.Run(ctrlCtx, max(runtime.NumCPU(), 4)) //nolint:errcheck // reported through pc.Err
	select {
	case <-ctx.Done():
		return nil
	case <-pc.Done():
		return fmt.Errorf("pod controller: %w", pc.Err())
	case <-pc.Ready():
	}
	go nc.Run(ctrlCtx) //nolint:errcheck // reported through nc.Err
	select {
	case <-ctx.Done():
		return nil
	case <-nc.Done():
		return fmt.Errorf("node controller: %w", nc.Err())
	case <-nc.Ready():
	}
	logger.Info("node registered and ready", "node", cfg.nodeName, "bridge", cfg.bridge, "ip", bridgeIP,
		"kubeletPort", cfg.kubeletPort)

	if pods, err := podInformer.Lister().List(labels.Everything()); err == nil {
		live := map[types.UID]bool{}
		for _, p := range pods {
			live[p.UID] = true
		}
		prov.collectGarbage(live)
	}

	select {
	case <-ctx.Done():
		logger.Info("stopping: pods, then network")
	case <-pc.Done():
		retErr = fmt.Errorf("pod controller: %w", pc.Err())
	case <-nc.Done():
		retErr = fmt.Errorf("node controller: %w", nc.Err())
	}
	// Controllers first, so that stopping the processes is not reported as pods failing.
	prov.quiet.Store(true)
	cancelCtrl()
	<-pc.Done()
	<-nc.Done()
	return retErr
}

// serveKubeletAPI serves virtual-kubelet's kubelet API (container logs, pod list) over TLS on
// the bridge address, to clients with a certificate signed by --client-ca (the API server).
func serveKubeletAPI(cfg *config, ip string, prov *provider, list func(labels.Selector) ([]*corev1.Pod, error), logger *slog.Logger) (*http.Server, error) {
	cert, err := tls.LoadX509KeyPair(cfg.tlsCert, cfg.tlsKey)
	if err != nil {
		return nil, fmt.Errorf("load kubelet serving certificate: %w", err)
	}
	caPEM, err := os.ReadFile(cfg.clientCA)
	if err != nil {
		return nil, fmt.Errorf("read client CA: %w", err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(caPEM) {
		return nil, fmt.Errorf("client CA %s holds no certificate", cfg.clientCA)
	}
	tlsCfg := &tls.Config{
		MinVersion:   tls.VersionTLS12,
		Certificates: []tls.Certificate{cert},
		ClientAuth:   tls.RequireAndVerifyClientCert,
		ClientCAs:    pool,
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("ok")) })
	api.AttachPodRoutes(api.PodHandlerConfig{
		RunInContainer:    prov.RunInContainer,
		AttachToContainer: prov.AttachToContainer,
		GetContainerLogs:  prov.GetContainerLogs,
		GetPods:           prov.GetPods,
		GetPodsFromKubernetes: func(context.Context) ([]*corev1.Pod, error) {
			return list(labels.Everything())
		},
		StreamIdleTimeout:     30 * time.Minute,
		StreamCreationTimeout: 30 * time.Second,
	}, mux, false)
	addr := net.JoinHostPort(ip, strconv.Itoa(cfg.kubeletPort))
	ln, err := tls.Listen("tcp", addr, tlsCfg)
	if err != nil {
		return nil, fmt.Errorf("listen for the kubelet API on %s: %w", addr, err)
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 30 * time.Second,
		ErrorLog: slog.NewLogLogger(logger.Handler(), slog.LevelDebug)}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			logger.Error("kubelet API server", "error", err)
		}
	}()
	return srv, nil
}
