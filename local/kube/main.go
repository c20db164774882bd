// Command kube is Flotilla's embedded single-machine Kubernetes: one multi-call binary
// (hyperkube style) holding the real control-plane components, kubectl and helm, imported
// from their Go modules and configured, plus a node agent that runs pods as local processes.
//
//	kube up --dir D            start a whole cluster in D (foreground; SIGINT/SIGTERM stops it)
//	kube down --dir D          stop the cluster running in D
//	kube etcd|apiserver|controller-manager|scheduler|node ...   one component
//	kube kubectl|helm ...      the clients (also when invoked through a symlink named so)
package main

import (
	"fmt"
	"os"
	"path/filepath"

	"flotilla.dev/local/kube/cluster"
	"flotilla.dev/local/kube/node"
)

var commands = map[string]func(args []string) int{
	"up":                 cluster.Up,
	"down":               cluster.Down,
	"etcd":               runEtcd,
	"apiserver":          runAPIServer,
	"controller-manager": runControllerManager,
	"scheduler":          runScheduler,
	"kubectl":            runKubectl,
	"helm":               runHelm,
	"node":               node.Run,
	"pod-exec":           node.PodExec,
	"version":            runVersion,
}

func main() {
	name := filepath.Base(os.Args[0])
	args := os.Args[1:]
	if _, ok := commands[name]; !ok {
		if len(args) == 0 {
			usage()
		}
		name, args = args[0], args[1:]
	}
	run, ok := commands[name]
	if !ok {
		usage()
	}
	// Each component parses os.Args itself: make it look as if it were invoked alone.
	os.Args = append([]string{name}, args...)
	os.Exit(run(args))
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: kube {up|down|etcd|apiserver|controller-manager|scheduler|node|kubectl|helm|version} [flags]")
	os.Exit(2)
}
