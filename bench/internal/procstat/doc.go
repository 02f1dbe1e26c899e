// Package procstat reads what the benchmark measures of a process from
// Linux's /proc: CPU time (utime and stime from /proc/PID/stat) and
// resident memory (VmRSS from /proc/PID/status).
package procstat
