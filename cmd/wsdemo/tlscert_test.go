package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/wirefast/websocket"
)

func TestSelfSignedCert(t *testing.T) {
	now := time.Now()
	cert, certPEM, err := selfSignedCert(now)
	if err != nil {
		t.Fatal(err)
	}
	block, _ := pem.Decode(certPEM)
	if block == nil || block.Type != "CERTIFICATE" {
		t.Fatalf("PEM %q: want a CERTIFICATE block", certPEM)
	}
	leaf, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	roots.AddCert(leaf)
	for _, host := range certHosts {
		if _, err := cert.Leaf.Verify(x509.VerifyOptions{DNSName: host, Roots: roots, CurrentTime: now}); err != nil {
			t.Errorf("certificate not valid for %s: %v", host, err)
		}
	}
	if _, err := leaf.Verify(x509.VerifyOptions{DNSName: "example.com", Roots: roots}); err == nil {
		t.Error("certificate valid for example.com")
	}
}

// startTLSServer serves the demos over TLS with a generated certificate
// and returns the wss:// base URL and the certificate's file.
func startTLSServer(t *testing.T) (wssBase, certFile string) {
	t.Helper()
	certFile = filepath.Join(t.TempDir(), "sub", "cert.pem")
	cfg, path, err := serverTLSConfig("", "", certFile, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if path != certFile {
		t.Fatalf("certificate written to %q, want %q", path, certFile)
	}
	if !slices.Equal(cfg.NextProtos, []string{"http/1.1"}) {
		t.Errorf("NextProtos %q: want HTTP/1.1 only", cfg.NextProtos)
	}
	ts := startServer(t, testConfig(), withListener(func(ln net.Listener) net.Listener { return tls.NewListener(ln, cfg) }))
	return strings.Replace(ts.ws, "ws://", "wss://", 1), certFile
}

// TestTLS runs the hello client over wss://, trusting the generated
// certificate with -cacert, and checks that it is refused without.
func TestTLS(t *testing.T) {
	wss, certFile := startTLSServer(t)
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	var out strings.Builder
	o := testClient(wss+"/ws/hello", &out)
	o.caFile = certFile
	if err := runClient(ctx, o); err != nil {
		t.Fatal(err)
	}
	if out.String() != "Hello Bob!\n" {
		t.Errorf("output %q, want \"Hello Bob!\\n\"", out.String())
	}

	// The same over localhost, a name of the certificate.
	o.url = strings.Replace(o.url, "127.0.0.1", "localhost", 1)
	out.Reset()
	if err := runClient(ctx, o); err != nil || out.String() != "Hello Bob!\n" {
		t.Errorf("over localhost: %v, output %q", err, out.String())
	}

	// Without -cacert, the system's roots do not know the certificate.
	o.caFile = ""
	var unknown x509.UnknownAuthorityError
	if err := runClient(ctx, o); !errors.As(err, &unknown) {
		t.Errorf("without -cacert: %v, want an unknown authority error", err)
	}
}

// TestTLSKeyPairFiles serves with -cert and -key files.
func TestTLSKeyPairFiles(t *testing.T) {
	dir := t.TempDir()
	cert, certPEM, err := selfSignedCert(time.Now())
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(cert.PrivateKey)
	if err != nil {
		t.Fatal(err)
	}
	certFile, keyFile := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	os.WriteFile(certFile, certPEM, 0o644)
	os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}), 0o600)

	cfg, path, err := serverTLSConfig(certFile, keyFile, filepath.Join(dir, "unused.pem"), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if path != "" {
		t.Errorf("a certificate was generated (%s) though -cert and -key were given", path)
	}
	ts := startServer(t, testConfig(), withListener(func(ln net.Listener) net.Listener { return tls.NewListener(ln, cfg) }))
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	tlsConfig, err := clientTLSConfig(certFile)
	if err != nil {
		t.Fatal(err)
	}
	c, _, err := websocket.Dial(ctx, strings.Replace(ts.ws, "ws://", "wss://", 1)+"/ws/echo",
		&websocket.DialOptions{TLSConfig: tlsConfig})
	if err != nil {
		t.Fatal(err)
	}
	c.Close(websocket.CloseNormal, "")
}

func TestTLSConfigErrors(t *testing.T) {
	dir := t.TempDir()
	notPEM := filepath.Join(dir, "not.pem")
	os.WriteFile(notPEM, []byte("hello"), 0o644)
	tests := []struct {
		name                      string
		certFile, keyFile, caFile string
	}{
		{name: "cert without key", certFile: notPEM},
		{name: "key without cert", keyFile: notPEM},
		{name: "bad pair", certFile: notPEM, keyFile: notPEM},
		{name: "missing files", certFile: filepath.Join(dir, "none"), keyFile: filepath.Join(dir, "none")},
	}
	for _, tc := range tests {
		if _, _, err := serverTLSConfig(tc.certFile, tc.keyFile, filepath.Join(dir, "out.pem"), time.Now()); err == nil {
			t.Errorf("%s: serverTLSConfig succeeded", tc.name)
		}
	}
	for _, ca := range []string{notPEM, filepath.Join(dir, "none")} {
		if _, err := clientTLSConfig(ca); err == nil {
			t.Errorf("clientTLSConfig(%s) succeeded", ca)
		}
	}
}
