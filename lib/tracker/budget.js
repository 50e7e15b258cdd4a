'use strict';

// A memory budget shared by many holders (the reassemblers of a TCPTracker, the connections
// of an HTTPTracker): totals of bytes and items held, their peaks, and the holders that hold
// something, oldest first.
//
// A holder joins the end of the list when it starts holding and leaves it when it holds
// nothing again, so the list's first holder is the one that has been waiting longest. When a
// total goes over its limit the owner of the budget makes that holder give something up
// (see TCPTracker._enforce, HTTPTracker._enforce). gopacket's assembler, once its page total
// is reached, flushes whichever connection the current packet belongs to; choosing the
// oldest holder instead means that a flood of data that is never completed (far-ahead
// segments, requests never answered) pushes out its own oldest part, while connections that
// complete quickly keep joining and leaving at the end of the list and are reached last.
//
// A holder carries the fields listed in `Holder` (the budget's bookkeeping; it reads them
// nowhere else).

function Budget(maxBytes, maxItems) {
  this.maxBytes = maxBytes; // Infinity: no limit
  this.maxItems = maxItems;
  this.bytes = 0;
  this.items = 0;
  this.peakBytes = 0;
  this.peakItems = 0;
  this.holders = 0;
  this.first = null;       // holder waiting longest
  this.last = null;
}

// The fields a holder needs (call from its constructor).
function Holder(h) {
  h.chargedBytes = 0;
  h.chargedItems = 0;
  h.budgetPrev = null;
  h.budgetNext = null;
  h.budgetIn = false;
}

Budget.prototype.over = function () {
  return this.bytes > this.maxBytes || this.items > this.maxItems;
};

// Add (or, negative, remove) bytes and items held by `h`.
Budget.prototype.charge = function (h, bytes, items) {
  h.chargedBytes += bytes;
  h.chargedItems += items;
  this.bytes += bytes;
  this.items += items;
  if (this.bytes > this.peakBytes) { this.peakBytes = this.bytes; }
  if (this.items > this.peakItems) { this.peakItems = this.items; }
  const holds = h.chargedBytes > 0 || h.chargedItems > 0;
  if (holds !== h.budgetIn) {
    if (holds) { this._append(h); } else { this._unlink(h); }
  }
};

// Forget everything `h` holds (it is being discarded without events).
Budget.prototype.release = function (h) {
  this.charge(h, -h.chargedBytes, -h.chargedItems);
};

Budget.prototype._append = function (h) {
  h.budgetIn = true;
  h.budgetPrev = this.last;
  h.budgetNext = null;
  if (this.last !== null) { this.last.budgetNext = h; } else { this.first = h; }
  this.last = h;
  this.holders++;
};

Budget.prototype._unlink = function (h) {
  h.budgetIn = false;
  if (h.budgetPrev !== null) { h.budgetPrev.budgetNext = h.budgetNext; } else { this.first = h.budgetNext; }
  if (h.budgetNext !== null) { h.budgetNext.budgetPrev = h.budgetPrev; } else { this.last = h.budgetPrev; }
  h.budgetPrev = null;
  h.budgetNext = null;
  this.holders--;
};

module.exports = { Budget, Holder };
