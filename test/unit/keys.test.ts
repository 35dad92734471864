import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isText, splitKeys } from '../../src/app/keys.js';

// Chunks as one read delivers them (captured from xterm, tmux `send-keys -l`, a paste over SSH).
test('plain characters: every character of a read is a key', () => {
  assert.deepEqual(splitKeys('j'), ['j']);
  assert.deepEqual(splitKeys('jjj'), ['j', 'j', 'j']);
  assert.deepEqual(splitKeys('kj/'), ['k', 'j', '/']);
  assert.deepEqual(splitKeys('j'.repeat(30)), Array(30).fill('j'));
  assert.deepEqual(splitKeys('qQ?P'), ['q', 'Q', '?', 'P']);
  assert.deepEqual(splitKeys(''), []);
});

test('Esc followed by a key in the same read is Esc, then the key (never Alt-key)', () => {
  assert.deepEqual(splitKeys('\x1b'), ['escape']);
  assert.deepEqual(splitKeys('\x1bj'), ['escape', 'j']);
  assert.deepEqual(splitKeys('\x1bjj'), ['escape', 'j', 'j']);
  assert.deepEqual(splitKeys('\x1b\x1b'), ['escape', 'escape']);
  assert.deepEqual(splitKeys('\x1b?'), ['escape', '?']);
  assert.deepEqual(splitKeys('j\x1b'), ['j', 'escape']);
  // Esc then an arrow (xterm's Alt-Up): Esc, then Up.
  assert.deepEqual(splitKeys('\x1b\x1b[A'), ['escape', 'up']);
  assert.deepEqual(splitKeys('\x1b\r'), ['escape', 'return']);
});

test('escape sequences are one key each, however many share the read', () => {
  assert.deepEqual(splitKeys('\x1b[A\x1b[B'), ['up', 'down']);
  assert.deepEqual(splitKeys('\x1b[A\x1b[A\x1b[Aj'), ['up', 'up', 'up', 'j']);
  assert.deepEqual(splitKeys('\x1b[C\x1b[D'), ['right', 'left']);
  assert.deepEqual(splitKeys('\x1bOA\x1bOB'), ['up', 'down'], 'application cursor mode (SS3)');
  assert.deepEqual(splitKeys('\x1b[H\x1b[F\x1b[1~\x1b[4~\x1b[7~\x1b[8~'), ['home', 'end', 'home', 'end', 'home', 'end']);
  assert.deepEqual(splitKeys('\x1bOH\x1bOF'), ['home', 'end']);
  assert.deepEqual(splitKeys('\x1b[5~\x1b[6~\x1b[[5~'), ['pageup', 'pagedown', 'pageup']);
  assert.deepEqual(splitKeys('\x1b[2~\x1b[3~'), ['insert', 'delete']);
  assert.deepEqual(splitKeys('\x1b[Z'), ['shift-tab']);
  assert.deepEqual(splitKeys('\x1bOP\x1b[15~\x1b[24~\x1b[[A'), ['f1', 'f5', 'f12', 'f1']);
  assert.deepEqual(splitKeys('\x1b[1;5A\x1b[1;2B\x1b[1;3C\x1b[5;5~'), ['ctrl-up', 'shift-down', 'alt-right', 'ctrl-pageup']);
  assert.deepEqual(splitKeys('\x1b[a\x1b[2$\x1b[5^'), ['shift-up', 'shift-insert', 'ctrl-pageup'], 'rxvt');
});

test('control characters: Enter, Tab, Backspace, Ctrl-C are keys of their own', () => {
  assert.deepEqual(splitKeys('\r'), ['return']);
  assert.deepEqual(splitKeys('j\r'), ['j', 'return']);
  assert.deepEqual(splitKeys('\tk'), ['tab', 'k']);
  assert.deepEqual(splitKeys('ab\x7f\x7f\b'), ['a', 'b', 'backspace', 'backspace', 'backspace']);
  assert.deepEqual(splitKeys('\x03'), ['ctrl-c']);
  assert.deepEqual(splitKeys('j\x03j'), ['j', 'ctrl-c', 'j']);
  assert.deepEqual(splitKeys('\x01\x1a'), ['ctrl-a', 'ctrl-z']);
});

test('pasted text in the filter or a dialog field: one text key per character, Unicode whole', () => {
  const pasted = 'web-01 pré-déploiement ✓ 🙂';
  const keys = splitKeys(pasted);
  assert.equal(keys.join(''), pasted);
  assert.equal(keys.length, [...pasted].length);
  assert.ok(keys.every(isText));
  assert.deepEqual(splitKeys('mail\r'), ['m', 'a', 'i', 'l', 'return']);
});

test('a sequence nobody binds is one inert key, never its bytes typed as text', () => {
  assert.deepEqual(splitKeys('\x1b[200~x\x1b[201~'), ['unknown', 'x', 'unknown'], 'bracketed paste markers');
  assert.deepEqual(splitKeys('\x1b[Ij\x1b[O'), ['unknown', 'j', 'unknown'], 'focus in / out');
  assert.deepEqual(splitKeys('\x1b[<0;10;5Mj'), ['unknown', 'j'], 'SGR mouse report');
  assert.deepEqual(splitKeys('\x1b[106u'), ['unknown'], 'kitty keyboard protocol (not enabled)');
  assert.ok(!isText('unknown') && !isText('up') && !isText('escape') && !isText('return') && !isText('backspace'));
});

test('an unfinished sequence at the end of a read: Esc, then what followed it', () => {
  assert.deepEqual(splitKeys('\x1b['), ['escape', '[']);
  assert.deepEqual(splitKeys('\x1bO'), ['escape', 'O']);
});

test('Esc, O and another key in one read (a slow link): the three keys, not one unknown sequence', () => {
  assert.deepEqual(splitKeys('\x1bOy'), ['escape', 'O', 'y']);
  assert.deepEqual(splitKeys('\x1bO\t'), ['escape', 'O', 'tab']);
  assert.deepEqual(splitKeys('\x1bOA'), ['up'], 'a key SS3 names stays that key');
});

test('isText: one printable character', () => {
  for (const t of ['j', ' ', '/', 'é', '🙂']) assert.ok(isText(t), t);
  for (const t of ['', 'jj', '\r', '\x1b', '\x7f', 'tab', 'ctrl-c']) assert.ok(!isText(t), JSON.stringify(t));
});
