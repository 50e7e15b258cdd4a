'use strict';

// Option objects of the trackers: each known option from `given` unless undefined or null,
// otherwise its default; numeric options checked against a minimum.
function readOptions(given, defaults) {
  const o = {};
  const src = given && typeof given === 'object' ? given : {};
  for (const name of Object.keys(defaults)) {
    const v = src[name];
    o[name] = v === undefined || v === null ? defaults[name] : v;
  }
  return o;
}

function requireNumbers(o, names, min, owner) {
  for (const name of names) {
    const n = Number(o[name]);
    if (!(n >= min)) throw new TypeError(owner + ' option ' + name + ' must be a number >= ' + min);
    o[name] = n;
  }
}

module.exports = { readOptions, requireNumbers };
