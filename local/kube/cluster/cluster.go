// Package cluster starts and stops a whole local cluster in one directory.
package cluster

import "fmt"

// Up starts etcd, the API server, the controller manager, the scheduler and the node agent.
func Up(args []string) int { fmt.Println("not yet"); return 1 }

// Down stops the cluster running in a directory.
func Down(args []string) int { fmt.Println("not yet"); return 1 }
