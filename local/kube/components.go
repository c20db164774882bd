package main

import (
	"fmt"
	"log/slog"
	"os"

	"helm.sh/helm/v4/pkg/cmd"
	helmkube "helm.sh/helm/v4/pkg/kube"
	_ "k8s.io/client-go/plugin/pkg/client/auth"
	"k8s.io/component-base/cli"
	"k8s.io/component-base/logs"
	_ "k8s.io/component-base/logs/json/register"
	_ "k8s.io/component-base/metrics/prometheus/clientgo"
	_ "k8s.io/component-base/metrics/prometheus/version"
	"k8s.io/component-base/version"
	kubectlcmd "k8s.io/kubectl/pkg/cmd"
	kubectlutil "k8s.io/kubectl/pkg/cmd/util"
	apiserver "k8s.io/kubernetes/cmd/kube-apiserver/app"
	controllermanager "k8s.io/kubernetes/cmd/kube-controller-manager/app"
	scheduler "k8s.io/kubernetes/cmd/kube-scheduler/app"
)

func runAPIServer([]string) int { return cli.Run(apiserver.NewAPIServerCommand()) }

func runControllerManager([]string) int {
	return cli.Run(controllermanager.NewControllerManagerCommand())
}

func runScheduler([]string) int { return cli.Run(scheduler.NewSchedulerCommand()) }

func runKubectl([]string) int {
	logs.GlogSetter(kubectlcmd.GetLogVerbosity(os.Args)) //nolint:errcheck // best effort, as kubectl's own main
	command := kubectlcmd.NewDefaultKubectlCommand()
	if err := cli.RunNoErrOutput(command); err != nil {
		kubectlutil.CheckErr(err)
	}
	return 0
}

func runHelm(args []string) int {
	helmkube.ManagedFieldsManager = "helm"
	root, err := cmd.NewRootCmd(os.Stdout, args, cmd.SetupLogging)
	if err != nil {
		slog.Error("helm", slog.Any("error", err))
		return 1
	}
	if err := root.Execute(); err != nil {
		return 1
	}
	return 0
}

func runVersion([]string) int {
	fmt.Println(version.Get().GitVersion)
	return 0
}
