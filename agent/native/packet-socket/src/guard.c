/*
 * fleetlb-guard: the agent's crash guard (agent/vrrp/guard/client.ts starts it). It outlives the
 * agent; when the agent dies without saying `exit` (kill -9, abort, OOM kill) its end of our stdin
 * closes, and we send the priority-0 adverts of the instances that were MASTER (RFC 9568 §6.4.3:
 * the backups take over after Skew_Time instead of Master_Down_Interval), then remove their VIPs
 * (RTM_DELADDR), report on stderr and exit.
 *
 * stdin, one line each (agent/vrrp/guard/protocol.ts writes them):
 *   kit NAME IFNAME IFINDEX 4|6      starts a kit (the next lines belong to it)
 *   advert DESTINATION HEX           IPv4: the whole packet (IP header included); IPv6: VRRP
 *   vip IFINDEX ADDRESS PREFIXLEN
 *   armed                            the kits since the last `armed` replace the armed ones
 *   exit                             clean shutdown: stdin EOF then exits without resigning
 * stdout: {"type":"armed","instances":[...]} once at start and after every `armed`.
 * stderr: fleetlb-guard {"type":"resigned",...} after resigning, and warnings.
 * SIGINT is ignored (a terminal's Ctrl-C reaches the agent, which resigns itself); SIGTERM while
 * the agent lives exits after a grace period (systemd stopping the whole unit).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#define MAX_KITS 256
#define MAX_ADVERTS 64 /* per kit: multicast, or one per unicast peer */
#define MAX_VIPS 256   /* per kit */
#define MAX_PACKET 1500
#define SIGTERM_GRACE_S 3

struct advert {
  struct sockaddr_storage to;
  socklen_t to_len;
  unsigned char bytes[MAX_PACKET];
  size_t len;
};

struct vip {
  int ifindex;
  int family;
  unsigned char bytes[16];
  int prefix;
  char text[INET6_ADDRSTRLEN];
};

struct kit {
  char name[128];
  char ifname[IF_NAMESIZE];
  int ifindex;
  int family;
  int fd; /* raw socket, opened when armed so that resigning costs no set-up time */
  struct advert *adverts;
  int n_adverts;
  struct vip *vips;
  int n_vips;
};

static struct kit armed[MAX_KITS], pending[MAX_KITS];
static int n_armed, n_pending;
static int clean_exit;

static void free_kit(struct kit *k, int keep_fd) {
  if (!keep_fd && k->fd >= 0) close(k->fd);
  free(k->adverts);
  free(k->vips);
  memset(k, 0, sizeof *k);
  k->fd = -1;
}

/* JSON string body: instance names come from the agent's validated config, escape anyway. */
static void json_string(FILE *out, const char *s) {
  fputc('"', out);
  for (; *s; s++) {
    unsigned char c = (unsigned char)*s;
    if (c == '"' || c == '\\') fprintf(out, "\\%c", c);
    else if (c < 0x20) fprintf(out, "\\u%04x", c);
    else fputc(c, out);
  }
  fputc('"', out);
}

static void report_armed(void) {
  printf("{\"type\":\"armed\",\"instances\":[");
  for (int i = 0; i < n_armed; i++) {
    if (i) putchar(',');
    json_string(stdout, armed[i].name);
  }
  printf("]}\n");
  fflush(stdout);
}

static int open_socket(const struct kit *k) {
  int fd;
  if (k->family == AF_INET) {
    /* IPPROTO_RAW: send-only, IP header included (the agent built it with its source address). */
    fd = socket(AF_INET, SOCK_RAW, IPPROTO_RAW);
    if (fd < 0) return -1;
    struct ip_mreqn mreqn = {.imr_ifindex = k->ifindex};
    setsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, &mreqn, sizeof mreqn);
  } else {
    fd = socket(AF_INET6, SOCK_RAW, 112);
    if (fd < 0) return -1;
    int offset = 6, hops = 255, small = 1;
    setsockopt(fd, IPPROTO_IPV6, IPV6_CHECKSUM, &offset, sizeof offset);
    setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &hops, sizeof hops);
    setsockopt(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, &hops, sizeof hops);
    setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, &k->ifindex, sizeof k->ifindex);
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof small); /* we never read */
  }
  if (setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, k->ifname, strlen(k->ifname) + 1) < 0) {
    close(fd);
    return -1;
  }
  return fd;
}

static int hex_decode(const char *hex, unsigned char *out, size_t max) {
  size_t n = strlen(hex);
  if (n % 2 || n / 2 > max) return -1;
  for (size_t i = 0; i < n / 2; i++) {
    unsigned int byte;
    if (sscanf(hex + 2 * i, "%2x", &byte) != 1) return -1;
    out[i] = (unsigned char)byte;
  }
  return (int)(n / 2);
}

/* Copies at most size-1 bytes of src (sscanf already bounded it) and terminates. */
static void copy(char *dst, size_t size, const char *src) {
  size_t n = strnlen(src, size - 1);
  memcpy(dst, src, n);
  dst[n] = '\0';
}

static void warn(const char *what, const char *line) {
  fprintf(stderr, "fleetlb-guard: %s: %.200s\n", what, line);
}

static void on_line(char *line) {
  char a[256], b[256], c[4096];
  int x, y;
  struct kit *k = n_pending ? &pending[n_pending - 1] : NULL;
  if (sscanf(line, "kit %127s %15s %d %d", a, b, &x, &y) == 4) {
    if (n_pending == MAX_KITS) return warn("too many kits", line);
    k = &pending[n_pending++];
    memset(k, 0, sizeof *k);
    copy(k->name, sizeof k->name, a);
    copy(k->ifname, sizeof k->ifname, b);
    k->ifindex = x;
    k->family = y == 6 ? AF_INET6 : AF_INET;
    k->fd = -1;
    k->adverts = calloc(MAX_ADVERTS, sizeof *k->adverts);
    k->vips = calloc(MAX_VIPS, sizeof *k->vips);
    if (!k->adverts || !k->vips) exit(70);
  } else if (sscanf(line, "advert %255s %4095s", a, c) == 2) {
    if (!k || k->n_adverts == MAX_ADVERTS) return warn("advert without room", line);
    struct advert *ad = &k->adverts[k->n_adverts];
    memset(&ad->to, 0, sizeof ad->to);
    if (k->family == AF_INET) {
      struct sockaddr_in *sin = (struct sockaddr_in *)&ad->to;
      sin->sin_family = AF_INET;
      if (inet_pton(AF_INET, a, &sin->sin_addr) != 1) return warn("bad destination", line);
      ad->to_len = sizeof *sin;
    } else {
      struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ad->to;
      char *zone = strchr(a, '%');
      if (zone) *zone = '\0'; /* a link-local peer: scoped to the kit's interface */
      sin6->sin6_family = AF_INET6;
      if (inet_pton(AF_INET6, a, &sin6->sin6_addr) != 1) return warn("bad destination", line);
      if (IN6_IS_ADDR_LINKLOCAL(&sin6->sin6_addr) || IN6_IS_ADDR_MULTICAST(&sin6->sin6_addr))
        sin6->sin6_scope_id = (uint32_t)k->ifindex;
      ad->to_len = sizeof *sin6;
    }
    int len = hex_decode(c, ad->bytes, sizeof ad->bytes);
    if (len <= 0) return warn("bad advert bytes", line);
    ad->len = (size_t)len;
    k->n_adverts++;
  } else if (sscanf(line, "vip %d %255s %d", &x, a, &y) == 3) {
    if (!k || k->n_vips == MAX_VIPS) return warn("vip without room", line);
    struct vip *v = &k->vips[k->n_vips];
    v->ifindex = x;
    v->prefix = y;
    v->family = strchr(a, ':') ? AF_INET6 : AF_INET;
    if (inet_pton(v->family, a, v->bytes) != 1) return warn("bad VIP", line);
    copy(v->text, sizeof v->text, a);
    k->n_vips++;
  } else if (strcmp(line, "armed") == 0) {
    /* Keep the sockets of interfaces still in use; open the new ones now. */
    for (int i = 0; i < n_pending; i++) {
      struct kit *p = &pending[i];
      for (int j = 0; j < n_armed && p->fd < 0; j++) {
        if (armed[j].fd >= 0 && armed[j].ifindex == p->ifindex && armed[j].family == p->family &&
            strcmp(armed[j].ifname, p->ifname) == 0) {
          p->fd = armed[j].fd;
          armed[j].fd = -1;
        }
      }
      for (int j = 0; j < i && p->fd < 0; j++) {
        if (pending[j].ifindex == p->ifindex && pending[j].family == p->family) p->fd = -2; /* shared */
      }
      if (p->fd == -1 && (p->fd = open_socket(p)) < 0) {
        fprintf(stderr, "fleetlb-guard: cannot open a socket on %s: %s\n", p->ifname, strerror(errno));
      }
    }
    for (int i = 0; i < n_armed; i++) free_kit(&armed[i], 0);
    memcpy(armed, pending, sizeof(struct kit) * (size_t)n_pending);
    n_armed = n_pending;
    n_pending = 0;
    report_armed();
  } else if (strcmp(line, "exit") == 0) {
    clean_exit = 1;
  } else if (line[0] != '\0') {
    warn("unknown line", line);
  }
}

/* The socket a kit sends on: its own, or (fd -2) an earlier kit's on the same interface. */
static int fd_of(int i) {
  if (armed[i].fd != -2) return armed[i].fd;
  for (int j = 0; j < i; j++)
    if (armed[j].ifindex == armed[i].ifindex && armed[j].family == armed[i].family && armed[j].fd >= 0)
      return armed[j].fd;
  return -1;
}

static int netlink_del(int nl, const struct vip *v, unsigned int seq) {
  struct {
    struct nlmsghdr nh;
    struct ifaddrmsg ifa;
    char attrs[2 * RTA_SPACE(16)];
  } req;
  memset(&req, 0, sizeof req);
  size_t alen = v->family == AF_INET ? 4 : 16;
  req.nh.nlmsg_type = RTM_DELADDR;
  req.nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
  req.nh.nlmsg_seq = seq;
  req.ifa.ifa_family = (unsigned char)v->family;
  req.ifa.ifa_prefixlen = (unsigned char)v->prefix;
  req.ifa.ifa_index = (unsigned int)v->ifindex;
  size_t len = NLMSG_LENGTH(sizeof req.ifa);
  unsigned short types[2] = {IFA_LOCAL, IFA_ADDRESS};
  for (int i = 0; i < 2; i++) {
    struct rtattr *rta = (struct rtattr *)((char *)&req + NLMSG_ALIGN(len));
    rta->rta_type = types[i];
    rta->rta_len = (unsigned short)RTA_LENGTH(alen);
    memcpy(RTA_DATA(rta), v->bytes, alen);
    len = NLMSG_ALIGN(len) + RTA_ALIGN(rta->rta_len);
  }
  req.nh.nlmsg_len = (unsigned int)len;
  struct sockaddr_nl kernel = {.nl_family = AF_NETLINK};
  return (int)sendto(nl, &req, len, 0, (struct sockaddr *)&kernel, sizeof kernel);
}

static void resign(void) {
  int adverts = 0, removed = 0, n_errors = 0;
  char errors[4096] = "";
  size_t used = 0;
#define ERROR(...)                                                                     \
  do {                                                                                 \
    if (n_errors++) used += (size_t)snprintf(errors + used, sizeof errors - used, ","); \
    if (used < sizeof errors) used += (size_t)snprintf(errors + used, sizeof errors - used, __VA_ARGS__); \
    if (used >= sizeof errors) used = sizeof errors - 1;                               \
  } while (0)
  /* Adverts first: the backups start their Skew_Time as early as possible. */
  for (int i = 0; i < n_armed; i++) {
    int fd = fd_of(i);
    for (int a = 0; a < armed[i].n_adverts; a++) {
      const struct advert *ad = &armed[i].adverts[a];
      if (fd >= 0 && sendto(fd, ad->bytes, ad->len, 0, (const struct sockaddr *)&ad->to, ad->to_len) >= 0)
        adverts++;
      else
        ERROR("\"advert %s: %s\"", armed[i].name, fd < 0 ? "no socket" : strerror(errno));
    }
  }
  int nl = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
  struct timeval timeout = {.tv_sec = 1};
  if (nl >= 0) setsockopt(nl, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  unsigned int sent = 0;
  for (int i = 0; i < n_armed; i++) {
    for (int j = 0; j < armed[i].n_vips; j++) {
      if (nl >= 0 && netlink_del(nl, &armed[i].vips[j], ++sent) >= 0) continue;
      ERROR("\"VIP %s: %s\"", armed[i].vips[j].text, strerror(errno));
    }
  }
  /* One ack per request: 0 = removed; EADDRNOTAVAIL = already gone (not counted). */
  static char buf[16384];
  unsigned int acked = 0;
  while (nl >= 0 && acked < sent) {
    ssize_t n = recv(nl, buf, sizeof buf, 0);
    if (n <= 0) {
      ERROR("\"VIP removal: %s\"", n < 0 ? strerror(errno) : "netlink closed");
      break;
    }
    for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, (unsigned int)n); h = NLMSG_NEXT(h, n)) {
      if (h->nlmsg_type != NLMSG_ERROR) continue;
      acked++;
      int err = -((struct nlmsgerr *)NLMSG_DATA(h))->error;
      if (err == 0) removed++;
      else if (err != EADDRNOTAVAIL) ERROR("\"VIP #%u: %s\"", h->nlmsg_seq, strerror(err));
    }
  }
  if (nl >= 0) close(nl);
  fprintf(stderr, "fleetlb-guard {\"type\":\"resigned\",\"instances\":[");
  for (int i = 0; i < n_armed; i++) {
    if (i) fputc(',', stderr);
    json_string(stderr, armed[i].name);
  }
  fprintf(stderr, "],\"adverts\":%d,\"vipsRemoved\":%d,\"errors\":[%s]}\n", adverts, removed, errors);
}

static void on_sigterm(int sig) {
  (void)sig;
  alarm(SIGTERM_GRACE_S); /* SIGALRM's default action ends us, unless stdin closes first */
}

int main(void) {
  signal(SIGINT, SIG_IGN);
  signal(SIGPIPE, SIG_IGN);
  struct sigaction term = {.sa_handler = on_sigterm};
  sigaction(SIGTERM, &term, NULL); /* no SA_RESTART needed: getline retries on EINTR below */
  report_armed();
  char *line = NULL;
  size_t cap = 0;
  for (;;) {
    errno = 0;
    ssize_t n = getline(&line, &cap, stdin);
    if (n < 0) {
      if (errno == EINTR) {
        clearerr(stdin);
        continue;
      }
      break; /* EOF: the agent is gone */
    }
    if (n > 0 && line[n - 1] == '\n') line[n - 1] = '\0';
    on_line(line);
  }
  if (!clean_exit && n_armed > 0) resign();
  return 0;
}
