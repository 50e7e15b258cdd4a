// A Dash-button listener (the node-dash-button idea) written against node_pcap 3.1.0's pcap.d.ts:
// a button announces itself with an ARP request when pressed. Type-checked only, never run.
import pcap = require('pcap');

const buttons: { [mac: string]: string } = {
    '74:c2:46:aa:bb:cc': 'coffee',
    'ac:63:be:01:02:03': 'laundry',
};
const lastSeen: { [mac: string]: number } = {};
const DEBOUNCE_MS = 5000;

function int_array_to_hex(bytes: number[]): string {
    return bytes.map((b) => (b < 16 ? '0' : '') + b.toString(16)).join(':');
}

function pickInterface(): string {
    const devs: pcap.Device[] = pcap.findalldevs();
    for (const dev of devs) {
        if (dev.flags === 'PCAP_IF_LOOPBACK') continue;
        const addrs: pcap.Address[] = dev.addresses || [];
        const v4 = addrs.find((a) => /^\d+\.\d+\.\d+\.\d+$/.test(a.addr));
        if (v4) {
            console.log(`using ${dev.name} (${dev.description || 'no description'}) ${v4.addr}/${v4.netmask}`);
            return dev.name;
        }
    }
    throw new Error('no interface with an IPv4 address');
}

function pressed(name: string, mac: string, ip: string): void {
    console.log(`${new Date().toISOString()} ${name} pressed (${mac}, ${ip})`);
}

const options: pcap.LiveSessionOptions = { filter: 'arp', promiscuous: true, buffer_timeout: 100 };
const session = pcap.createSession(process.env.DASH_IFACE || pickInterface(), options);
if (session.link_type !== 'LINKTYPE_ETHERNET') {
    console.error(`not an Ethernet interface: ${session.link_type}`);
    session.close();
    process.exit(1);
}

session.on('packet', (raw_packet: pcap.PacketWithHeader) => {
    const packet = pcap.decode.packet(raw_packet);
    if (packet.payload.ethertype !== 0x0806) return; // ARP
    const arp = packet.payload.payload;
    if (arp.operation !== 1) return; // requests only
    const mac = int_array_to_hex(arp.sender_ha.addr);
    const name = buttons[mac];
    if (!name) {
        if (process.env.DASH_DEBUG) console.log(`unknown device ${packet.payload.shost} asks for ${arp.target_pa}`);
        return;
    }
    const now = packet.pcap_header.tv_sec * 1000 + Math.floor(packet.pcap_header.tv_usec / 1000);
    if (lastSeen[mac] !== undefined && now - lastSeen[mac] < DEBOUNCE_MS) return;
    lastSeen[mac] = now;
    pressed(name, mac, arp.sender_pa.addr.join('.'));
});

pcap.warningHandler = (text: string) => {
    if (process.env.DASH_DEBUG) console.warn(`libpcap: ${text}`);
};
