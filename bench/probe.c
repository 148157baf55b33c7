// Small measurements for bench/compare_etcd.sh, compiled by it with the system's C compiler.
//
//   probe sync FILE COUNT        100-byte pwrite + fdatasync into a preallocated file, COUNT times:
//                                the disk's floor for one durable write
//   probe rtt COUNT [CPU CPU]    100-byte ping-pong between two processes over loopback TCP
//                                (TCP_NODELAY): the floor for one round trip. With two CPU numbers the
//                                sending side runs on the first, the echoing side on the second
//   probe failover HOST PORT PID REQUEST_FILE [stop]
//                                kill -9 PID, then send the HTTP request in REQUEST_FILE to HOST:PORT
//                                every 10 ms, each on a new connection, without waiting for earlier
//                                attempts, until one answers 200: the time from the kill to that answer.
//                                With `stop`, PID is frozen (SIGSTOP) instead: its connections stay open
//   probe write HOST PORT REQUEST_FILE
//                                the same without killing anything
//
// Each prints one line: "SYNC n=.. p50_us=.. p99_us=.. per_s=..", "RTT n=.. p50_us=.. p99_us=..", or
// "FAILOVER ms=.. attempts=.. last=<status line of the last failure>".
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int compare_doubles(const void *a, const void *b)
{
    const double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double quantile(double *sorted, int n, double q)
{
    int i = (int)(q * (n - 1) + 0.5);
    return sorted[i];
}

static void die(const char *what)
{
    perror(what);
    exit(1);
}

static int probe_sync(const char *path, int count)
{
    const int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
    if (fd < 0)
        die("open");
    const off_t size = (off_t)count * 100 + 4096;
    // Preallocated and synced first, as the node's log segments are: each sync then commits data only.
    if (posix_fallocate(fd, 0, size) != 0 || fsync(fd) != 0)
        die("fallocate");
    char block[100];
    memset(block, 'v', sizeof block);
    double *lat = malloc(sizeof(double) * count);
    const double start = now_us();
    for (int i = 0; i < count; ++i) {
        const double t = now_us();
        if (pwrite(fd, block, sizeof block, (off_t)i * 100) != (ssize_t)sizeof block || fdatasync(fd) != 0)
            die("write+fdatasync");
        lat[i] = now_us() - t;
    }
    const double total = now_us() - start;
    close(fd);
    unlink(path);
    qsort(lat, count, sizeof(double), compare_doubles);
    printf("SYNC n=%d p50_us=%.0f p99_us=%.0f per_s=%.0f\n", count, quantile(lat, count, 0.5),
           quantile(lat, count, 0.99), count / (total / 1e6));
    return 0;
}

static void full_io(int fd, char *buffer, size_t size, int writing)
{
    size_t done = 0;
    while (done < size) {
        const ssize_t n = writing ? write(fd, buffer + done, size - done) : read(fd, buffer + done, size - done);
        if (n <= 0)
            die(writing ? "write" : "read");
        done += (size_t)n;
    }
}

// Pins the calling process to `cpu`; a negative `cpu` leaves it where the kernel puts it.
static void pin_to(int cpu)
{
    if (cpu < 0)
        return;
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    if (sched_setaffinity(0, sizeof set, &set) != 0)
        die("sched_setaffinity");
}

static int probe_rtt(int count, int sender_cpu, int echo_cpu)
{
    const int listener = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in address = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t length = sizeof address;
    if (listener < 0 || bind(listener, (struct sockaddr *)&address, sizeof address) != 0 ||
        listen(listener, 1) != 0 || getsockname(listener, (struct sockaddr *)&address, &length) != 0)
        die("listen");
    const int one = 1;
    char buffer[100];
    memset(buffer, 'p', sizeof buffer);
    const pid_t child = fork();
    if (child < 0)
        die("fork");
    if (child == 0) { // the echo side
        pin_to(echo_cpu);
        const int peer = accept(listener, NULL, NULL);
        if (peer < 0)
            die("accept");
        setsockopt(peer, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        for (int i = 0; i < count + 100; ++i) {
            full_io(peer, buffer, sizeof buffer, 0);
            full_io(peer, buffer, sizeof buffer, 1);
        }
        _exit(0);
    }
    close(listener);
    pin_to(sender_cpu);
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0 || connect(fd, (struct sockaddr *)&address, sizeof address) != 0)
        die("connect");
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    double *lat = malloc(sizeof(double) * count);
    for (int i = 0; i < count + 100; ++i) { // the first 100 warm up
        const double t = now_us();
        full_io(fd, buffer, sizeof buffer, 1);
        full_io(fd, buffer, sizeof buffer, 0);
        if (i >= 100)
            lat[i - 100] = now_us() - t;
    }
    close(fd);
    waitpid(child, NULL, 0);
    qsort(lat, count, sizeof(double), compare_doubles);
    printf("RTT n=%d p50_us=%.1f p99_us=%.1f\n", count, quantile(lat, count, 0.5), quantile(lat, count, 0.99));
    return 0;
}

// Attempts in flight at once: a system that holds a write it cannot serve yet (etcd holds a proposal made
// while there is no leader) must not make the probe wait for that one, or the probe measures its own
// timeout instead of the time to the first acknowledged write.
enum { max_attempts = 256, attempt_timeout_us = 5000000, attempt_interval_us = 10000 };

struct attempt
{
    int fd; // -1: free
    int sent;
    double started;
    char answer[512];
    size_t have;
};

static void finish_attempt(struct attempt *a, const char *why, char *last, size_t last_size)
{
    if (why) {
        snprintf(last, last_size, "%s", why);
        for (char *c = last; *c; ++c)
            if (*c == ' ')
                *c = '_';
    }
    close(a->fd);
    a->fd = -1;
}

static int probe_failover(const char *host, int port, pid_t victim, int signal, const char *request_file)
{
    FILE *file = fopen(request_file, "rb");
    if (!file)
        die("request file");
    static char request[8192];
    const size_t size = fread(request, 1, sizeof request, file);
    fclose(file);
    struct sockaddr_in address = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    if (inet_pton(AF_INET, host, &address.sin_addr) != 1) {
        fprintf(stderr, "bad host %s\n", host);
        return 2;
    }
    static struct attempt attempts[max_attempts];
    for (int i = 0; i < max_attempts; ++i)
        attempts[i].fd = -1;
    char last[256] = "-";
    int started = 0;
    const double start = now_us();
    if (victim > 0 && kill(victim, signal) != 0)
        die("kill");
    double next_start = start;
    while (now_us() - start < 30e6) {
        // A new attempt every 10 ms, whatever the others are doing.
        if (now_us() >= next_start) {
            next_start += attempt_interval_us;
            for (int i = 0; i < max_attempts; ++i) {
                if (attempts[i].fd >= 0)
                    continue;
                struct attempt *a = &attempts[i];
                a->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
                if (a->fd < 0)
                    die("socket");
                a->sent = 0;
                a->have = 0;
                a->started = now_us();
                ++started;
                if (connect(a->fd, (const struct sockaddr *)&address, sizeof address) != 0 &&
                    errno != EINPROGRESS) {
                    char why[64];
                    snprintf(why, sizeof why, "connect: %s", strerror(errno));
                    finish_attempt(a, why, last, sizeof last);
                }
                break;
            }
        }
        struct pollfd fds[max_attempts];
        int index[max_attempts], n = 0;
        for (int i = 0; i < max_attempts; ++i) {
            if (attempts[i].fd < 0)
                continue;
            if (now_us() - attempts[i].started > attempt_timeout_us) {
                finish_attempt(&attempts[i], "timeout", last, sizeof last);
                continue;
            }
            fds[n] = (struct pollfd){.fd = attempts[i].fd, .events = attempts[i].sent ? POLLIN : POLLOUT};
            index[n++] = i;
        }
        int wait_ms = (int)((next_start - now_us()) / 1000);
        if (poll(fds, (nfds_t)n, wait_ms < 0 ? 0 : wait_ms) < 0 && errno != EINTR)
            die("poll");
        for (int k = 0; k < n; ++k) {
            struct attempt *a = &attempts[index[k]];
            if (!fds[k].revents)
                continue;
            if (!a->sent) {
                int error = 0;
                socklen_t length = sizeof error;
                getsockopt(a->fd, SOL_SOCKET, SO_ERROR, &error, &length);
                if (error != 0 || write(a->fd, request, size) != (ssize_t)size) {
                    char why[64];
                    snprintf(why, sizeof why, "connect: %s", strerror(error ? error : errno));
                    finish_attempt(a, why, last, sizeof last);
                    continue;
                }
                a->sent = 1;
                continue;
            }
            const ssize_t got = read(a->fd, a->answer + a->have, sizeof a->answer - 1 - a->have);
            if (got <= 0) {
                finish_attempt(a, "closed", last, sizeof last);
                continue;
            }
            a->have += (size_t)got;
            a->answer[a->have] = 0;
            if (!memchr(a->answer, '\n', a->have) && a->have < sizeof a->answer - 1)
                continue;
            if (strncmp(a->answer, "HTTP/1.1 200", 12) == 0 || strncmp(a->answer, "HTTP/1.0 200", 12) == 0) {
                printf("FAILOVER ms=%.1f attempts=%d last=%s\n", (now_us() - start) / 1000, started, last);
                return 0;
            }
            char why[128];
            snprintf(why, sizeof why, "%.*s", (int)strcspn(a->answer, "\r\n"), a->answer);
            finish_attempt(a, why, last, sizeof last);
        }
    }
    printf("FAILOVER ms=-1 attempts=%d last=%s\n", started, last);
    return 1;
}

int main(int argc, char **argv)
{
    if (argc == 4 && strcmp(argv[1], "sync") == 0)
        return probe_sync(argv[2], atoi(argv[3]));
    if (argc == 3 && strcmp(argv[1], "rtt") == 0)
        return probe_rtt(atoi(argv[2]), -1, -1);
    if (argc == 5 && strcmp(argv[1], "rtt") == 0)
        return probe_rtt(atoi(argv[2]), atoi(argv[3]), atoi(argv[4]));
    if ((argc == 6 || (argc == 7 && strcmp(argv[6], "stop") == 0)) && strcmp(argv[1], "failover") == 0 &&
        atoi(argv[4]) > 0)
        return probe_failover(argv[2], atoi(argv[3]), (pid_t)atoi(argv[4]), argc == 7 ? SIGSTOP : SIGKILL,
                              argv[5]);
    if (argc == 5 && strcmp(argv[1], "write") == 0)
        return probe_failover(argv[2], atoi(argv[3]), 0, 0, argv[4]);
    fprintf(stderr, "usage: probe sync FILE COUNT | rtt COUNT [CPU CPU] | failover HOST PORT PID REQUEST_FILE [stop] | "
                    "write HOST PORT REQUEST_FILE\n");
    return 2;
}
