package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"time"
)

// certValidity is how long a generated certificate is valid.
const certValidity = 30 * 24 * time.Hour

// certHosts are the names a generated certificate is valid for.
var certHosts = []string{"localhost", "127.0.0.1", "::1"}

// selfSignedCert returns a new self-signed certificate for certHosts
// (an ECDSA P-256 key) and the certificate in PEM, which a client trusts
// as its own root (wsdemo -client -cacert FILE).
func selfSignedCert(now time.Time) (tls.Certificate, []byte, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{Organization: []string{"wsdemo"}, CommonName: "localhost"},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(certValidity),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true, // its own root: clients add it to their roots
	}
	for _, h := range certHosts {
		if ip := net.ParseIP(h); ip != nil {
			tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
		} else {
			tmpl.DNSNames = append(tmpl.DNSNames, h)
		}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, certPEM, nil
}

// serverTLSConfig returns the server's TLS configuration: the key pair in
// certFile and keyFile when given, otherwise a new self-signed
// certificate whose PEM is written to certOut (its path is returned, ""
// when files were given). HTTP/2 is not offered: the demos upgrade
// HTTP/1.1 connections (RFC 6455), and a browser that spoke HTTP/2 to the
// server would try WebSocket over HTTP/2 (RFC 8441) instead.
func serverTLSConfig(certFile, keyFile, certOut string, now time.Time) (*tls.Config, string, error) {
	cfg := &tls.Config{MinVersion: tls.VersionTLS12, NextProtos: []string{"http/1.1"}}
	switch {
	case certFile != "" || keyFile != "":
		if certFile == "" || keyFile == "" {
			return nil, "", fmt.Errorf("wsdemo: -cert and -key go together")
		}
		cert, err := tls.LoadX509KeyPair(certFile, keyFile)
		if err != nil {
			return nil, "", fmt.Errorf("wsdemo: %w", err)
		}
		cfg.Certificates = []tls.Certificate{cert}
		return cfg, "", nil
	}
	cert, certPEM, err := selfSignedCert(now)
	if err != nil {
		return nil, "", fmt.Errorf("wsdemo: generating a certificate: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(certOut), 0o755); err != nil {
		return nil, "", fmt.Errorf("wsdemo: %w", err)
	}
	if err := os.WriteFile(certOut, certPEM, 0o644); err != nil {
		return nil, "", fmt.Errorf("wsdemo: %w", err)
	}
	cfg.Certificates = []tls.Certificate{cert}
	return cfg, certOut, nil
}

// defaultCertOut is where a generated certificate goes by default: the
// user's cache directory, or the temporary directory.
func defaultCertOut() string {
	dir, err := os.UserCacheDir()
	if err != nil {
		dir = os.TempDir()
	}
	return filepath.Join(dir, "wsdemo", "localhost.pem")
}

// clientTLSConfig returns a TLS configuration trusting the certificates
// in the PEM file caFile (and only them), or nil for the system's roots
// when caFile is "".
func clientTLSConfig(caFile string) (*tls.Config, error) {
	if caFile == "" {
		return nil, nil
	}
	pemBytes, err := os.ReadFile(caFile)
	if err != nil {
		return nil, fmt.Errorf("wsdemo: -cacert: %w", err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pemBytes) {
		return nil, fmt.Errorf("wsdemo: -cacert %s: no PEM certificate in it", caFile)
	}
	return &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}, nil
}
