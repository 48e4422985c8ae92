#define _GNU_SOURCE
#include "CLinux.h"
#include <errno.h>
#include <string.h>
#include <sys/prctl.h>

int clinux_epoll_create(void) { return epoll_create1(EPOLL_CLOEXEC); }

int clinux_epoll_ctl(int epfd, int op, int fd, uint32_t events, uint64_t data) {
    struct epoll_event ev;
    memset(&ev, 0, sizeof ev);
    ev.events = events;
    ev.data.u64 = data;
    return epoll_ctl(epfd, op, fd, &ev);
}

int clinux_epoll_wait(int epfd, clinux_event *out, int maxevents, int timeout_ms) {
    struct epoll_event evs[256];
    if (maxevents > 256) maxevents = 256;
    int n = epoll_wait(epfd, evs, maxevents, timeout_ms);
    for (int i = 0; i < n; i++) {
        out[i].events = evs[i].events;
        out[i].data = evs[i].data.u64;
    }
    return n;
}

int clinux_eventfd(unsigned int initval) { return eventfd(initval, EFD_NONBLOCK | EFD_CLOEXEC); }

int clinux_accept4_nonblocking(int fd, void *addr, unsigned int *addrlen) {
    return accept4(fd, (struct sockaddr *)addr, (socklen_t *)addrlen, SOCK_NONBLOCK | SOCK_CLOEXEC);
}

static void shutdown_signal_set(sigset_t *set) {
    sigemptyset(set);
    sigaddset(set, SIGINT);
    sigaddset(set, SIGTERM);
    sigaddset(set, SIGHUP);
}

int clinux_block_shutdown_signals(void) {
    sigset_t set;
    shutdown_signal_set(&set);
    return pthread_sigmask(SIG_BLOCK, &set, NULL);
}

int clinux_wait_shutdown_signal(void) {
    sigset_t set;
    shutdown_signal_set(&set);
    int sig = 0;
    while (sigwait(&set, &sig) != 0) {}
    return sig;
}

int clinux_ignore_sigpipe(void) {
    return signal(SIGPIPE, SIG_IGN) == SIG_ERR ? -1 : 0;
}

int clinux_set_thread_name(const char *name) { return prctl(PR_SET_NAME, name, 0, 0, 0); }
