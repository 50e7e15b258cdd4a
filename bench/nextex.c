/* The floor of reading a capture file with libpcap: nextex FILE opens it with pcap_open_offline
 * and calls pcap_next_ex until the end, counting packets and bytes (libpcap reads each record
 * with fread into its buffer). Prints "packets bytes". Built by bench/flows.js. */
#include <pcap/pcap.h>
#include <stdio.h>

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: nextex FILE\n");
    return 2;
  }
  char err[PCAP_ERRBUF_SIZE];
  pcap_t *p = pcap_open_offline(argv[1], err);
  if (!p) {
    fprintf(stderr, "nextex: %s\n", err);
    return 1;
  }
  struct pcap_pkthdr *h;
  const u_char *data;
  unsigned long long packets = 0, bytes = 0;
  int rc;
  while ((rc = pcap_next_ex(p, &h, &data)) == 1) {
    packets++;
    bytes += h->caplen;
  }
  if (rc == PCAP_ERROR) {
    fprintf(stderr, "nextex: %s\n", pcap_geterr(p));
    return 1;
  }
  printf("%llu %llu\n", packets, bytes);
  pcap_close(p);
  return 0;
}
