package browsertest

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
)

// Environment variables that change where the harness looks for its tools
// and where it writes its artifacts.
const (
	// EnvChromium names the Chromium executable. Default: /usr/bin/chromium,
	// then "chromium" in PATH.
	EnvChromium = "FRISTAD_CHROMIUM"
	// EnvAxeJS names the axe-core script. Default:
	// tools/npm/node_modules/axe-core/axe.min.js under the module root.
	EnvAxeJS = "FRISTAD_AXE_JS"
	// EnvVNUJar names the Nu HTML Checker jar. Default:
	// tools/npm/node_modules/vnu-jar/build/dist/vnu.jar under the module root.
	EnvVNUJar = "FRISTAD_VNU_JAR"
	// EnvArtifacts names the directory for screenshots. Default: a
	// directory named fristad-browsertest under os.TempDir().
	EnvArtifacts = "FRISTAD_TEST_ARTIFACTS"
	// EnvCI, when non-empty, turns a missing tool from a skipped test into
	// a failed one.
	EnvCI = "CI"
)

const (
	defaultChromium = "/usr/bin/chromium"
	axeRelPath      = "tools/npm/node_modules/axe-core/axe.min.js"
	vnuRelPath      = "tools/npm/node_modules/vnu-jar/build/dist/vnu.jar"
	npmInstallHint  = "run: npm ci --prefix tools/npm"
)

// Tools holds the locations of everything the harness runs, as [Require]
// found them.
type Tools struct {
	Chromium string // the Chromium executable
	AxeJS    string // axe-core's script, axe.min.js
	VNUJar   string // the Nu HTML Checker, vnu.jar
	Java     string // the java executable that runs VNUJar
}

// findTools resolves the locations of Chromium, axe-core, vnu.jar and Java.
// The error is one line that says what is missing and how to install it.
func findTools() (Tools, error) {
	var ts Tools
	var err error
	if ts.Chromium, err = findChromium(); err != nil {
		return ts, err
	}
	if ts.AxeJS, err = findNPMFile(EnvAxeJS, axeRelPath, "axe-core"); err != nil {
		return ts, err
	}
	if ts.VNUJar, err = findNPMFile(EnvVNUJar, vnuRelPath, "vnu.jar"); err != nil {
		return ts, err
	}
	if ts.Java, err = findJava(); err != nil {
		return ts, err
	}
	return ts, nil
}

// findJava returns the java executable in PATH.
func findJava() (string, error) {
	p, err := exec.LookPath("java")
	if err != nil {
		return "", errors.New("java not found in PATH (apt-get install default-jre-headless)")
	}
	return p, nil
}

// findChromium returns the Chromium executable named by EnvChromium, or the
// Debian one.
func findChromium() (string, error) {
	if p := os.Getenv(EnvChromium); p != "" {
		if !isExecutable(p) {
			return "", fmt.Errorf("chromium not found at %s (from %s)", p, EnvChromium)
		}
		return p, nil
	}
	if isExecutable(defaultChromium) {
		return defaultChromium, nil
	}
	if p, err := exec.LookPath("chromium"); err == nil {
		return p, nil
	}
	return "", fmt.Errorf("chromium not installed (apt-get install chromium, or set %s)", EnvChromium)
}

// findNPMFile returns the file named by the environment variable env, or
// rel under the module root.
func findNPMFile(env, rel, what string) (string, error) {
	if p := os.Getenv(env); p != "" {
		if !isFile(p) {
			return "", fmt.Errorf("%s not found at %s (from %s)", what, p, env)
		}
		return p, nil
	}
	root, err := moduleRoot()
	if err != nil {
		return "", fmt.Errorf("%s not found: %w (or set %s)", what, err, env)
	}
	p := filepath.Join(root, filepath.FromSlash(rel))
	if !isFile(p) {
		return "", fmt.Errorf("%s not found at %s (%s)", what, p, npmInstallHint)
	}
	return p, nil
}

// moduleRoot walks up from the working directory to the directory that
// holds go.mod.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("working directory: %w", err)
	}
	for {
		if isFile(filepath.Join(dir, "go.mod")) {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod above the working directory")
		}
		dir = parent
	}
}

func isFile(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.Mode().IsRegular()
}

func isExecutable(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.Mode().IsRegular() && fi.Mode().Perm()&0o111 != 0
}

// artifactDir returns the directory for screenshots, from EnvArtifacts or
// under os.TempDir().
func artifactDir() string {
	if d := os.Getenv(EnvArtifacts); d != "" {
		return d
	}
	return filepath.Join(os.TempDir(), "fristad-browsertest")
}
