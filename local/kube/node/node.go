// Package node is the node agent: a virtual-kubelet provider that runs pods as processes.
package node

import "fmt"

// Run registers the node and runs the pods scheduled to it.
func Run(args []string) int { fmt.Println("not yet"); return 1 }

// PodExec enters a pod's network namespace and a private mount namespace, then execs.
func PodExec(args []string) int { fmt.Println("not yet"); return 1 }
