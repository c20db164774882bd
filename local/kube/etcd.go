package main

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/spf13/pflag"
	"go.etcd.io/etcd/server/v3/embed"
)

// etcdReadyTimeout bounds how long the embedded etcd may take to become ready.
const etcdReadyTimeout = 60 * time.Second

// runEtcd runs a single-member embedded etcd serving plain HTTP on loopback only, until
// SIGINT or SIGTERM.
//
//	kube etcd --data-dir DIR --listen-client-urls http://127.0.0.1:P --listen-peer-urls http://127.0.0.1:Q [--name N]
func runEtcd(args []string) int {
	if err := serveEtcd(args); err != nil {
		fmt.Fprintf(os.Stderr, "kube etcd: %v\n", err)
		return 1
	}
	return 0
}

func serveEtcd(args []string) error {
	fs := pflag.NewFlagSet("etcd", pflag.ContinueOnError)
	dataDir := fs.String("data-dir", "", "directory holding etcd's data (required)")
	clientURL := fs.String("listen-client-urls", "", "client URL, http://127.0.0.1:PORT (required)")
	peerURL := fs.String("listen-peer-urls", "", "peer URL, http://127.0.0.1:PORT (required)")
	name := fs.String("name", "flotilla", "member name")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *dataDir == "" || *clientURL == "" || *peerURL == "" {
		return errors.New("--data-dir, --listen-client-urls and --listen-peer-urls are required")
	}
	client, err := loopbackHTTPURL("--listen-client-urls", *clientURL)
	if err != nil {
		return err
	}
	peer, err := loopbackHTTPURL("--listen-peer-urls", *peerURL)
	if err != nil {
		return err
	}

	cfg := embed.NewConfig()
	cfg.Name = *name
	cfg.Dir = *dataDir
	cfg.ListenClientUrls = []url.URL{*client}
	cfg.AdvertiseClientUrls = []url.URL{*client}
	cfg.ListenPeerUrls = []url.URL{*peer}
	cfg.AdvertisePeerUrls = []url.URL{*peer}
	cfg.InitialCluster = cfg.InitialClusterFromName(cfg.Name)
	cfg.Logger = "zap"
	cfg.LogLevel = "warn"
	cfg.LogOutputs = []string{embed.StdErrLogOutput}

	// Listen for signals before starting, so an early SIGTERM still closes etcd cleanly.
	signals := make(chan os.Signal, 1)
	signal.Notify(signals, syscall.SIGINT, syscall.SIGTERM)

	e, err := embed.StartEtcd(cfg)
	if err != nil {
		return fmt.Errorf("start etcd in %s: %w", *dataDir, err)
	}
	defer e.Close()

	select {
	case <-e.Server.ReadyNotify():
	case err := <-e.Err():
		return fmt.Errorf("etcd failed before it was ready: %w", err)
	case sig := <-signals:
		fmt.Fprintf(os.Stderr, "kube etcd: %v before ready, closing\n", sig)
		return nil
	case <-time.After(etcdReadyTimeout):
		e.Server.Stop()
		return fmt.Errorf("etcd not ready within %s", etcdReadyTimeout)
	}

	select {
	case err := <-e.Err():
		return fmt.Errorf("etcd stopped: %w", err)
	case sig := <-signals:
		fmt.Fprintf(os.Stderr, "kube etcd: %v, closing\n", sig)
		return nil
	}
}

// loopbackHTTPURL parses one http:// URL whose host is a loopback IP address.
func loopbackHTTPURL(flag, raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("%s %q: %w", flag, raw, err)
	}
	if u.Scheme != "http" {
		return nil, fmt.Errorf("%s %q: only http:// is served (loopback only)", flag, raw)
	}
	ip := net.ParseIP(u.Hostname())
	if ip == nil || !ip.IsLoopback() || u.Port() == "" {
		return nil, fmt.Errorf("%s %q: want http://<loopback IP>:<port>", flag, raw)
	}
	return u, nil
}
