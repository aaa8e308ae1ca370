// Command inkan is an on-prem electronic contract service in one binary. main only
// hands the process environment to the command line in app/cli.
package main

import (
	"os"

	"inkan/app/run/cli"
)

func main() {
	os.Exit(cli.Run(cli.Env{Args: os.Args[1:], Getenv: os.Getenv, Stdout: os.Stdout, Stderr: os.Stderr}))
}
