'use strict';

// Text that came from a packet, made safe to print: a capture must not be able to retitle the
// terminal (ESC ] ... BEL), clear it (ESC [ 2J), ring it, or forge lines (CR, LF).
//
// The characters escaped are those tshark escapes in what it prints (Wireshark's format_text):
// the C0 controls U+0000-U+001F, DEL U+007F, and the C1 controls U+0080-U+009F, which some
// terminals obey even inside UTF-8 (U+009B is a one-character CSI). BEL, BS, TAB, LF, VT, FF and CR
// become \a \b \t \n \v \f \r as in C and in tshark; the other C0 controls and DEL become \xHH
// (\x1b for ESC; tshark writes octal, \033, where Wireshark's display filters and format_char
// write \x1b); C1 controls become \u0080-\u009f, as tshark writes them. Everything else is kept as
// it is, the backslash included (tshark does not double it either), so printable text prints
// exactly as before. A tab or a line break inside a field is escaped too: in the tools' output
// every record stays on its line, and raw \t and \n appear only where the tools put them.

const NAMED = { 7: '\\a', 8: '\\b', 9: '\\t', 10: '\\n', 11: '\\v', 12: '\\f', 13: '\\r' };

// eslint-disable-next-line no-control-regex
const UNSAFE = /[\x00-\x1f\x7f-\x9f]/g;
const hex2 = (c) => (c < 16 ? '0' : '') + c.toString(16);

function escapeChar(ch) {
  const c = ch.charCodeAt(0);
  if (c >= 0x80) return '\\u00' + hex2(c);
  return NAMED[c] || '\\x' + hex2(c);
}

// The text of `value` (any value: String(value)) with its control characters escaped.
function escapeText(value) {
  const s = typeof value === 'string' ? value : String(value);
  UNSAFE.lastIndex = 0;
  return UNSAFE.test(s) ? s.replace(UNSAFE, escapeChar) : s;
}

// JSON.stringify(value), safe on a terminal and still valid JSON: JSON.stringify escapes the C0
// controls (\u001b, \n, ...) but leaves DEL and the C1 controls raw; those become \u007f-\u009f.
const DEL_C1 = /[\x7f-\x9f]/g;
function jsonText(value) {
  const s = JSON.stringify(value);
  if (typeof s !== 'string') return s;
  DEL_C1.lastIndex = 0;
  return DEL_C1.test(s) ? s.replace(DEL_C1, (ch) => '\\u00' + hex2(ch.charCodeAt(0))) : s;
}

module.exports = { escapeText, jsonText };
