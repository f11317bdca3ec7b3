/*
 * fleetlb-rtnl-watch: the agent's rtnetlink watcher child (agent/linux/rtnetlink/watch.ts starts
 * it). Joins the LINK, IPV4_IFADDR and IPV6_IFADDR multicast groups and prints one JSON line per
 * notification, in the line protocol of agent/linux/rtnetlink/watch-protocol.ts. A notification
 * overflow (ENOBUFS: events were lost) exits with status 3, so the parent restarts it and its
 * consumer re-dumps (resync). Exits when stdin reaches EOF, i.e. when the parent is gone.
 *
 * Options: --recv-buffer-bytes N (SO_RCVBUF, default 4 MiB, capped by net.core.rmem_max);
 * --stall-first-event-ms N (tests only: sleep on the first event so that a flood overflows).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if.h>
#include <linux/if_addr.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define INFINITY_LIFE_TIME 0xffffffffu

static long stall_ms;

static void json_string(const char *s, size_t max) {
  putchar('"');
  for (size_t i = 0; i < max && s[i]; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c == '"' || c == '\\') printf("\\%c", c);
    else if (c < 0x20 || c == 0x7f) printf("\\u%04x", c);
    else putchar(c);
  }
  putchar('"');
}

static void on_link(const struct nlmsghdr *h) {
  const struct ifinfomsg *ifi = NLMSG_DATA(h);
  int len = (int)IFLA_PAYLOAD(h);
  const char *name = NULL;
  size_t name_len = 0;
  for (const struct rtattr *a = IFLA_RTA(ifi); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
    if (a->rta_type == IFLA_IFNAME) {
      name = RTA_DATA(a);
      name_len = RTA_PAYLOAD(a);
    }
  }
  if (!name || ifi->ifi_index <= 0) return;
  unsigned int flags = ifi->ifi_flags;
  int up = (flags & IFF_UP) && (flags & IFF_RUNNING);
  printf("{\"type\":\"link\",\"kind\":\"%s\",\"index\":%d,\"name\":",
         h->nlmsg_type == RTM_NEWLINK ? "new" : "del", ifi->ifi_index);
  json_string(name, name_len);
  printf(",\"up\":%s,\"flags\":%u}\n", up ? "true" : "false", flags);
}

static void on_address(const struct nlmsghdr *h) {
  const struct ifaddrmsg *ifa = NLMSG_DATA(h);
  int len = (int)IFA_PAYLOAD(h);
  const void *local = NULL, *address = NULL;
  const char *label = NULL;
  size_t label_len = 0;
  unsigned int flags = ifa->ifa_flags;
  const struct ifa_cacheinfo *cache = NULL;
  size_t want = ifa->ifa_family == AF_INET ? 4 : ifa->ifa_family == AF_INET6 ? 16 : 0;
  if (!want) return;
  for (const struct rtattr *a = IFA_RTA(ifa); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
    size_t n = RTA_PAYLOAD(a);
    if (a->rta_type == IFA_LOCAL && n == want) local = RTA_DATA(a);
    else if (a->rta_type == IFA_ADDRESS && n == want) address = RTA_DATA(a);
    else if (a->rta_type == IFA_LABEL) label = RTA_DATA(a), label_len = n;
    else if (a->rta_type == IFA_FLAGS && n >= 4) memcpy(&flags, RTA_DATA(a), 4);
    else if (a->rta_type == IFA_CACHEINFO && n >= sizeof *cache) cache = RTA_DATA(a);
  }
  /* IFA_LOCAL is the interface's own address; IFA_ADDRESS is the peer on point-to-point links. */
  const void *raw = local ? local : address;
  char text[INET6_ADDRSTRLEN];
  if (!raw || !inet_ntop(ifa->ifa_family, raw, text, sizeof text)) return;
  printf("{\"type\":\"address\",\"kind\":\"%s\",\"interfaceIndex\":%u,\"address\":\"%s\","
         "\"prefixLength\":%u,\"family\":\"%s\",\"scope\":%u,\"flags\":%u",
         h->nlmsg_type == RTM_NEWADDR ? "new" : "del", ifa->ifa_index, text, ifa->ifa_prefixlen,
         ifa->ifa_family == AF_INET ? "ipv4" : "ipv6", ifa->ifa_scope, flags);
  if (label) {
    printf(",\"label\":");
    json_string(label, label_len);
  }
  if (cache && cache->ifa_valid != INFINITY_LIFE_TIME)
    printf(",\"validLifetimeS\":%u", cache->ifa_valid);
  if (cache && cache->ifa_prefered != INFINITY_LIFE_TIME)
    printf(",\"preferredLifetimeS\":%u", cache->ifa_prefered);
  printf("}\n");
}

static void stall(void) {
  if (stall_ms <= 0) return;
  struct timespec t = {.tv_sec = stall_ms / 1000, .tv_nsec = (stall_ms % 1000) * 1000000L};
  stall_ms = 0;
  nanosleep(&t, NULL); /* test option: the kernel keeps queueing notifications meanwhile */
}

int main(int argc, char **argv) {
  int recv_buffer = 4 << 20;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (strcmp(argv[i], "--recv-buffer-bytes") == 0) recv_buffer = atoi(argv[i + 1]);
    else if (strcmp(argv[i], "--stall-first-event-ms") == 0) stall_ms = atol(argv[i + 1]);
  }
  int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
  if (fd < 0) {
    fprintf(stderr, "fleetlb-rtnl-watch: socket: %s\n", strerror(errno));
    return 2;
  }
  setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &recv_buffer, sizeof recv_buffer);
  struct sockaddr_nl local = {
      .nl_family = AF_NETLINK,
      .nl_groups = RTMGRP_LINK | RTMGRP_IPV4_IFADDR | RTMGRP_IPV6_IFADDR,
  };
  if (bind(fd, (struct sockaddr *)&local, sizeof local) < 0) {
    fprintf(stderr, "fleetlb-rtnl-watch: bind: %s\n", strerror(errno));
    return 2;
  }
  int actual = 0;
  socklen_t actual_len = sizeof actual;
  getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &actual, &actual_len);
  printf("{\"type\":\"ready\",\"pid\":%d,\"recvBufferBytes\":%d}\n", getpid(), actual);
  fflush(stdout);

  static char buf[65536];
  struct pollfd fds[2] = {{.fd = 0, .events = POLLIN}, {.fd = fd, .events = POLLIN}};
  for (;;) {
    if (poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      return 2;
    }
    if (fds[0].revents) {
      ssize_t n = read(0, buf, sizeof buf);
      if (n <= 0) return 0; /* the parent is gone */
    }
    if (!(fds[1].revents & POLLIN)) continue;
    stall();
    ssize_t n = recv(fd, buf, sizeof buf, MSG_DONTWAIT);
    if (n < 0) {
      if (errno == EAGAIN || errno == EINTR) continue;
      fprintf(stderr, "fleetlb-rtnl-watch: recv: %s\n", strerror(errno));
      return 3; /* ENOBUFS: notifications were lost; the parent restarts us and resyncs */
    }
    for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, (unsigned int)n); h = NLMSG_NEXT(h, n)) {
      if (h->nlmsg_type == RTM_NEWLINK || h->nlmsg_type == RTM_DELLINK) on_link(h);
      else if (h->nlmsg_type == RTM_NEWADDR || h->nlmsg_type == RTM_DELADDR) on_address(h);
    }
    if (fflush(stdout) != 0) return 0; /* stdout broken: the parent is gone */
  }
}
