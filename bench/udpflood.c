/* Paced UDP sender for the live benchmark: udpflood <port> <packets/s> <count> [payload bytes]
 * Sends <count> datagrams to 127.0.0.1:<port> at <packets/s>, in sendmmsg batches of 32. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
  if (argc < 4) {
    fprintf(stderr, "usage: udpflood <port> <packets/s> <count> [payload bytes]\n");
    return 2;
  }
  int port = atoi(argv[1]);
  double pps = atof(argv[2]);
  long count = atol(argv[3]);
  int size = argc > 4 ? atoi(argv[4]) : 64;
  if (size < 8 || size > 1400) size = 64;
  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  int sndbuf = 4 << 20;
  setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof sndbuf);
  struct sockaddr_in dst = {0};
  dst.sin_family = AF_INET;
  dst.sin_port = htons(port);
  dst.sin_addr.s_addr = htonl(0x7f000001);
  enum { BATCH = 32 };
  static char payload[BATCH][1400];
  struct mmsghdr msgs[BATCH];
  struct iovec iov[BATCH];
  long sent = 0;
  double start = now();
  while (sent < count) {
    int n = count - sent < BATCH ? (int)(count - sent) : BATCH;
    for (int i = 0; i < n; i++) {
      long seq = sent + i;
      memcpy(payload[i], &seq, sizeof seq);
      iov[i].iov_base = payload[i];
      iov[i].iov_len = size;
      memset(&msgs[i], 0, sizeof msgs[i]);
      msgs[i].msg_hdr.msg_name = &dst;
      msgs[i].msg_hdr.msg_namelen = sizeof dst;
      msgs[i].msg_hdr.msg_iov = &iov[i];
      msgs[i].msg_hdr.msg_iovlen = 1;
    }
    int r = sendmmsg(fd, msgs, n, 0);
    if (r > 0) sent += r;
    double due = start + sent / pps;
    double wait = due - now();
    if (wait > 0) {
      struct timespec ts = {(time_t)wait, (long)((wait - (time_t)wait) * 1e9)};
      nanosleep(&ts, NULL);
    }
  }
  double secs = now() - start;
  printf("{\"sent\":%ld,\"seconds\":%.3f,\"pps\":%.0f}\n", sent, secs, sent / secs);
  close(fd);
  return 0;
}
