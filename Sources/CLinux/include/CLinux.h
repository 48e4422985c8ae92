#ifndef CLINUX_H
#define CLINUX_H
// Linux calls Swift's Glibc module does not export. epoll_event is packed on
// x86_64, which Swift imports awkwardly, so events cross as an unpacked struct.
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/timerfd.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <signal.h>
#include <pthread.h>

typedef struct {
    uint32_t events;
    uint64_t data;
} clinux_event;

int clinux_epoll_create(void);
int clinux_epoll_ctl(int epfd, int op, int fd, uint32_t events, uint64_t data);
/// Waits like epoll_wait and copies the packed kernel events into `out`.
int clinux_epoll_wait(int epfd, clinux_event *out, int maxevents, int timeout_ms);
int clinux_eventfd(unsigned int initval);
int clinux_accept4_nonblocking(int fd, void *addr, unsigned int *addrlen);
/// Blocks SIGINT/SIGTERM/SIGHUP in the calling thread (threads spawned later inherit it).
int clinux_block_shutdown_signals(void);
/// Waits for SIGINT/SIGTERM/SIGHUP (blocked beforehand); returns the signal number.
int clinux_wait_shutdown_signal(void);
int clinux_ignore_sigpipe(void);
int clinux_set_thread_name(const char *name);

#endif
