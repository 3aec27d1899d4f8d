#!/usr/bin/env python3
"""Generates the Kafka message codecs from the *.def schema files in this directory.

Usage: generate.py <out_dir> <file.def>...

Writes <out_dir>/brook/protocol/kafka/messages/<api>.h and <out_dir>/messages/<api>.cc per API, plus
<out_dir>/brook/protocol/kafka/messages/all.h (variants of every request/response type) and
<out_dir>/messages/api_table.cc (the API table and the body dispatch).

Schema format (see README.md in src/protocol): a file per API,
    api <key> <name>
    request <valid versions> flex <flexible versions>
      <field> <type> <versions> [null:<versions>] [tag:<tag>:<versions>] [=<default>]
        <children of a struct-typed field, indented two more spaces>
      struct <name> <versions>          # a struct shared by several fields
        <its fields>
    response <valid versions> flex <flexible versions>
      ...
Versions are "N", "N-M", "N+" or "none". Types: bool int8 int16 uint16 int32 int64 float64 uuid string
bytes records, a struct name, or []<type> for arrays.
"""
import os
import re
import sys

PRIM = {
    'bool': ('bool', 1, 'bool'), 'int8': ('int8_t', 1, 'int8'), 'int16': ('int16_t', 2, 'int16'),
    'uint16': ('uint16_t', 2, 'uint16'), 'int32': ('int32_t', 4, 'int32'), 'int64': ('int64_t', 8, 'int64'),
    'float64': ('double', 8, 'float64'), 'uuid': ('uuid', 16, 'uuid'),
}
VARLEN = {'string', 'bytes', 'records'}
KEYWORDS = {'default', 'delete', 'new', 'class', 'operator', 'register', 'template', 'namespace', 'private',
            'public', 'protected', 'union', 'int', 'char', 'long', 'short', 'signed', 'unsigned', 'auto',
            'switch', 'case', 'for', 'while', 'do', 'if', 'else', 'return', 'this', 'throw', 'try', 'catch',
            'struct', 'enum', 'const', 'static', 'virtual', 'friend', 'using', 'typedef', 'bool', 'true',
            'false', 'and', 'or', 'not', 'xor', 'export', 'module', 'import', 'version', 'r', 'w', 'n'}
MAXV = 32767


class SchemaError(Exception):
    pass


def parse_versions(s, where):
    if s == 'none':
        return None
    m = re.fullmatch(r'(\d+)(\+|-(\d+))?', s)
    if not m:
        raise SchemaError('%s: bad version range %r' % (where, s))
    lo = int(m.group(1))
    if m.group(2) == '+':
        return (lo, MAXV)
    if m.group(3) is not None:
        return (lo, int(m.group(3)))
    return (lo, lo)


class Field:
    def __init__(self, name, typ, versions, nullable, tag, tagged, default, where):
        self.name = name + '_' if name in KEYWORDS else name
        self.wire_name = name
        self.is_array = typ.startswith('[]')
        self.base = typ[2:] if self.is_array else typ
        self.versions = versions
        self.nullable = nullable
        self.tag = tag
        self.tagged = tagged
        self.default = default
        self.where = where
        if tag is not None and tagged != versions:
            raise SchemaError('%s: tagged versions must equal versions' % where)

    @property
    def is_struct(self):
        return self.base not in PRIM and self.base not in VARLEN


class Struct:
    def __init__(self, name):
        self.name = name
        self.fields = []


class Message:
    def __init__(self, api, kind, valid, flex):
        self.api = api
        self.kind = kind
        self.name = '%s_%s' % (api.name, kind)
        self.valid = valid
        self.flex = flex
        self.top = Struct(self.name)
        self.structs = {}  # name -> Struct, children before parents after ordering


class Api:
    def __init__(self, key, name):
        self.key = key
        self.name = name
        self.messages = {}


def parse_def(path):
    api = None
    msg = None
    stack = []  # (indent, Struct)
    for lineno, raw in enumerate(open(path), 1):
        line = raw.split('#', 1)[0].rstrip()
        if not line.strip():
            continue
        where = '%s:%d' % (os.path.basename(path), lineno)
        indent = len(line) - len(line.lstrip(' '))
        words = line.split()
        if indent == 0:
            if words[0] == 'api':
                api = Api(int(words[1]), words[2])
            elif words[0] in ('request', 'response'):
                if len(words) != 4 or words[2] != 'flex':
                    raise SchemaError('%s: expected "%s <versions> flex <versions>"' % (where, words[0]))
                msg = Message(api, words[0], parse_versions(words[1], where), parse_versions(words[3], where))
                api.messages[words[0]] = msg
                stack = [(0, msg.top)]
            else:
                raise SchemaError('%s: unknown directive %r' % (where, words[0]))
            continue
        while stack and stack[-1][0] >= indent:
            stack.pop()
        if not stack:
            raise SchemaError('%s: bad indentation' % where)
        if words[0] == 'struct':
            st = msg.structs.setdefault(words[1], Struct(words[1]))
            if st.fields:
                raise SchemaError('%s: duplicate struct %s' % (where, st.name))
            stack.append((indent, st))
            continue
        name, typ, ver = words[0], words[1], parse_versions(words[2], where)
        nullable = tag = tagged = default = None
        for opt in words[3:]:
            if opt.startswith('null:'):
                nullable = parse_versions(opt[5:], where)
            elif opt.startswith('tag:'):
                _, t, v = opt.split(':')
                tag, tagged = int(t), parse_versions(v, where)
            elif opt.startswith('='):
                default = opt[1:]
            else:
                raise SchemaError('%s: unknown option %r' % (where, opt))
        f = Field(name, typ, ver, nullable, tag, tagged, default, where)
        stack[-1][1].fields.append(f)
        if f.is_struct:
            # An indented block below defines the struct inline; otherwise it names a shared struct.
            st = msg.structs.get(f.base)
            if st is None:
                st = Struct(f.base)
                msg.structs[f.base] = st
            stack.append((indent, st))
    return api


# ---------------------------------------------------------------- C++ generation helpers

def cond(rng, valid):
    """C++ condition for `version` in rng, given the message's valid range."""
    if rng is None:
        return 'false'
    lo, hi = rng
    if lo > valid[1] or hi < valid[0]:
        return 'false'
    parts = []
    if lo > valid[0]:
        parts.append('version >= %d' % lo)
    if hi < valid[1]:
        parts.append('version <= %d' % hi)
    return ' && '.join(parts) if parts else 'true'


def null_expr(f, valid):
    return cond(f.nullable, valid)


def elem_cpp(f):
    if f.base in PRIM:
        return PRIM[f.base][0]
    if f.base == 'string':
        return 'std::string'
    if f.base in ('bytes', 'records'):
        return 'bytes'
    return f.base


def member_cpp(f):
    e = elem_cpp(f)
    if f.is_array:
        t = 'std::vector<%s>' % e
        return 'std::optional<%s>' % t if f.nullable else t
    if f.base in VARLEN and (f.nullable or f.base == 'records'):
        return 'std::optional<%s>' % e
    if f.is_struct and f.nullable:
        raise SchemaError('%s: nullable structs are not supported' % f.where)
    return e


def member_init(f):
    d = f.default
    if f.is_array:
        if f.nullable and d != 'null':
            return '{std::in_place}'
        return '{}'
    if f.base in PRIM:
        if f.base == 'uuid':
            return '{}'
        if f.base == 'bool':
            return '{%s}' % (d if d in ('true', 'false') else 'false')
        return '{%s}' % (d if d is not None else '0')
    if f.base in VARLEN:
        opt = f.nullable or f.base == 'records'
        if not opt:
            return '{}'
        if d == 'null' or f.base == 'records':
            return '{}'
        return '{%s()}' % elem_cpp(f)
    return '{}'


def is_default_expr(f, x):
    if f.is_array:
        if f.nullable:
            return '!%s' % x if f.default == 'null' else '(%s && %s->empty())' % (x, x)
        return '%s.empty()' % x
    if f.base == 'uuid':
        return '%s == uuid{}' % x
    if f.base in PRIM:
        return '%s == %s' % (x, member_init(f)[1:-1])
    if f.base in VARLEN:
        if f.nullable or f.base == 'records':
            if f.default == 'null' or f.base == 'records':
                return '!%s' % x
            return '(%s && %s->empty())' % (x, x)
        return '%s.empty()' % x
    return '%s == %s{}' % (x, f.base)


def encode_value(f, x, valid, elem=False):
    """Statements writing one value (an element when elem) to `w`."""
    if f.base in PRIM:
        return ['w.write_%s(%s);' % (PRIM[f.base][2], x)]
    if f.base == 'string':
        if elem or not f.nullable:
            return ['w.write_string(%s, flex);' % x]
        return ['w.write_string(%s, %s, flex);' % (x, null_expr(f, valid))]
    if f.base in ('bytes', 'records'):
        if elem or not (f.nullable or f.base == 'records'):
            return ['w.write_bytes(%s, flex);' % x]
        return ['w.write_bytes(%s, %s, flex);' % (x, null_expr(f, valid))]
    return ['%s.encode(w, version);' % x]


def encode_field(f, x, valid):
    if not f.is_array:
        return encode_value(f, x, valid)
    body = encode_value(f, 'e_', valid, elem=True)
    if f.nullable:
        out = ['w.write_array_length(%s ? std::optional<size_t>(%s->size()) : std::nullopt, %s, flex);'
               % (x, x, null_expr(f, valid)),
               'if (%s) {' % x, '    for (const auto& e_ : *%s) {' % x]
        out += ['        ' + s for s in body]
        return out + ['    }', '}']
    out = ['w.write_array_length(%s.size(), false, flex);' % x, 'for (const auto& e_ : %s) {' % x]
    return out + ['    ' + s for s in body] + ['}']


def size_value(f, x, acc, valid, elem=False):
    if f.base in PRIM:
        return ['%s += %d;' % (acc, PRIM[f.base][1])]
    if f.base == 'string':
        if elem or not f.nullable:
            return ['%s += string_size(%s, flex);' % (acc, x)]
        return ['%s += string_size(%s, %s, flex);' % (acc, x, null_expr(f, valid))]
    if f.base in ('bytes', 'records'):
        if elem or not (f.nullable or f.base == 'records'):
            return ['%s += bytes_size(%s, flex);' % (acc, x)]
        return ['%s += bytes_size(%s, %s, flex);' % (acc, x, null_expr(f, valid))]
    return ['%s += %s.encoded_size(version);' % (acc, x)]


def size_field(f, x, acc, valid):
    if not f.is_array:
        return size_value(f, x, acc, valid)
    if f.nullable:
        out = ['%s += array_length_size(%s ? std::optional<size_t>(%s->size()) : std::nullopt, %s, flex);'
               % (acc, x, x, null_expr(f, valid))]
        v = '(*%s)' % x
        guard = ['if (%s) {' % x]
    else:
        out = ['%s += array_length_size(%s.size(), false, flex);' % (acc, x)]
        v = x
        guard = None
    if f.base in PRIM:
        body = ['%s += %s.size() * %d;' % (acc, v, PRIM[f.base][1])]
    else:
        body = ['for (const auto& e_ : %s) {' % v] + ['    ' + s for s in size_value(f, 'e_', acc, valid, True)] + ['}']
    if guard:
        return out + guard + ['    ' + s for s in body] + ['}']
    return out + body


def decode_value(f, x, rd, fname, valid, elem=False):
    if f.base in PRIM:
        return ['%s = %s.read_%s("%s");' % (x, rd, PRIM[f.base][2], fname)]
    if f.base == 'string':
        if elem or not f.nullable:
            return ['%s = %s.read_string("%s", flex);' % (x, rd, fname)]
        return ['%s = %s.read_nullable_string("%s", %s, flex);' % (x, rd, fname, null_expr(f, valid))]
    if f.base in ('bytes', 'records'):
        if elem or not (f.nullable or f.base == 'records'):
            return ['%s = %s.read_bytes("%s", flex);' % (x, rd, fname)]
        return ['%s = %s.read_nullable_bytes("%s", %s, flex);' % (x, rd, fname, null_expr(f, valid))]
    return ['%s.decode_from(%s, version);' % (x, rd)]


def min_size(f):
    if f.base in PRIM:
        return str(PRIM[f.base][1])
    if f.base == 'string':
        return '(flex ? 1 : 2)'
    if f.base in ('bytes', 'records'):
        return '(flex ? 1 : 4)'
    return '1'


def decode_field(f, x, rd, fname, valid):
    if not f.is_array:
        return decode_value(f, x, rd, fname, valid)
    out = ['{',
           '    const int32_t n_ = %s.read_array_length("%s", %s, flex, %s);'
           % (rd, fname, null_expr(f, valid) if f.nullable else 'false', min_size(f))]
    if f.nullable:
        out += ['    if (n_ < 0) {', '        %s.reset();' % x, '    } else {', '        auto& v_ = %s.emplace();' % x]
        ind = '        '
    else:
        out += ['    auto& v_ = %s;' % x, '    v_.clear();']
        ind = '    '
    if f.base in PRIM or f.base in VARLEN:
        out.append(ind + 'v_.reserve(static_cast<size_t>(n_));')
    out.append(ind + 'for (int32_t i_ = 0; i_ < n_ && %s.ok(); ++i_) {' % rd)
    if f.is_struct:
        out.append(ind + '    v_.emplace_back().decode_from(%s, version);' % rd)
    else:
        out += [ind + '    ' + s for s in decode_value(f, 'v_.emplace_back()', rd, fname, valid, True)]
    out.append(ind + '}')
    if f.nullable:
        out.append('    }')
    out.append('}')
    return out


def indent(lines, n=1):
    return ['    ' * n + l if l else l for l in lines]


# ---------------------------------------------------------------- per-struct code

def struct_decl(st, msg, top):
    out = ['struct %s {' % st.name]
    if top:
        out += ['    static constexpr int16_t api_key = %d;' % msg.api.key,
                '    static constexpr int16_t min_version = %d;' % msg.valid[0],
                '    static constexpr int16_t max_version = %d;' % msg.valid[1],
                '    /// First flexible (compact, tagged) version; -1 when there is none.',
                '    static constexpr int16_t first_flexible_version = %d;' % (msg.flex[0] if msg.flex else -1),
                '']
        for s in order_structs(msg):
            out += indent(struct_decl(s, msg, False))
            out.append('')
    for f in st.fields:
        notes = ['v%s' % fmt_range(f.versions)]
        if f.nullable:
            notes.append('nullable v%s' % fmt_range(f.nullable))
        if f.tag is not None:
            notes.append('tag %d' % f.tag)
        out.append('    %s %s%s; // %s' % (member_cpp(f), f.name, member_init(f), ', '.join(notes)))
    out += ['    /// Tagged fields not known at the decoded version, re-encoded verbatim.',
            '    tagged_fields unknown_tagged_fields;', '',
            '    void encode(writer& w, int16_t version) const;',
            '    size_t encoded_size(int16_t version) const;',
            '    /// Fills this (default-constructed) value; errors are left in `r`.',
            '    void decode_from(reader& r, int16_t version);']
    if top:
        out.append('    static result<%s> decode(reader& r, int16_t version);' % st.name)
    out += ['    bool operator==(const %s&) const = default;' % st.name, '};']
    return out


def fmt_range(r):
    if r is None:
        return 'none'
    if r[1] == MAXV:
        return '%d+' % r[0]
    if r[0] == r[1]:
        return '%d' % r[0]
    return '%d-%d' % r


def order_structs(msg):
    seen = []

    def visit(st):
        for f in st.fields:
            if f.is_struct:
                child = msg.structs[f.base]
                if child not in seen:
                    visit(child)
                    seen.append(child)
    for st in msg.structs.values():
        if st not in seen:
            visit(st)
            seen.append(st)
    return seen


def struct_defs(st, msg, qual):
    valid = msg.valid
    flex_line = '[[maybe_unused]] const bool flex = %s;' % cond(msg.flex, valid)
    prefix = msg.name if st is msg.top else '%s.%s' % (msg.name, st.name)
    regular = [f for f in st.fields if f.tag is None]
    tagged = sorted([f for f in st.fields if f.tag is not None], key=lambda f: f.tag)
    enc, size, dec = [], [], []
    for f in regular:
        c = cond(f.versions, valid)
        if c == 'false':
            continue
        e = encode_field(f, f.name, valid)
        s = size_field(f, f.name, 'n', valid)
        d = decode_field(f, f.name, 'r', '%s.%s' % (prefix, f.name), valid)
        if c == 'true':
            enc += e
            size += s
            dec += d
        else:
            enc += ['if (%s) {' % c] + indent(e) + ['}']
            size += ['if (%s) {' % c] + indent(s) + ['}']
            dec += ['if (%s) {' % c] + indent(d) + ['}']
    if msg.flex:
        fc = cond(msg.flex, valid)
        te = ['uint32_t count_ = static_cast<uint32_t>(unknown_tagged_fields.size());']
        ts = ['uint32_t count_ = static_cast<uint32_t>(unknown_tagged_fields.size());',
              'n += unknown_tags_size(unknown_tagged_fields);']
        for f in tagged:
            te.append('const bool has%d_ = %s && !(%s);' % (f.tag, '(' + cond(f.tagged, valid) + ')',
                                                            is_default_expr(f, f.name)))
            te.append('count_ += has%d_ ? 1 : 0;' % f.tag)
        te += ['w.write_uvarint(count_);', 'size_t next_ = 0;']
        for f in tagged:
            te.append('w.write_unknown_tags(unknown_tagged_fields, next_, %d);' % f.tag)
            te += ['if (has%d_) {' % f.tag, '    size_t s_ = 0;'] + indent(size_field(f, f.name, 's_', valid))
            te += ['    w.write_uvarint(%d);' % f.tag, '    w.write_uvarint(static_cast<uint32_t>(s_));']
            te += indent(encode_field(f, f.name, valid)) + ['}']
            ts += ['if ((%s) && !(%s)) {' % (cond(f.tagged, valid), is_default_expr(f, f.name)),
                   '    size_t s_ = 0;'] + indent(size_field(f, f.name, 's_', valid))
            ts += ['    n += uvarint_size(%d) + uvarint_size(s_) + s_;' % f.tag, '    ++count_;', '}']
        te.append('w.write_unknown_tags(unknown_tagged_fields, next_, UINT64_MAX);')
        ts.append('n += uvarint_size(count_);')
        fn = '%s._tagged_fields' % prefix
        td = ['const uint32_t count_ = r.read_tag_count("%s");' % fn,
              'for (uint32_t t_ = 0; t_ < count_ && r.ok(); ++t_) {',
              '    const uint32_t tag_ = r.read_uvarint("%s");' % fn,
              '    const uint32_t size_ = r.read_uvarint("%s");' % fn,
              '    reader sub_ = r.sub_reader(size_, "%s");' % fn,
              '    if (!r.ok()) {', '        break;', '    }']
        if tagged:
            td.append('    switch (tag_) {')
            for f in tagged:
                fname = '%s.%s' % (prefix, f.name)
                td += ['    case %d:' % f.tag, '        if (%s) {' % cond(f.tagged, valid)]
                td += indent(decode_field(f, f.name, 'sub_', fname, valid), 3)
                td += ['            if (sub_.ok() && sub_.remaining() != 0) {',
                       '                sub_.fail(decode_errc::invalid_tagged_field, "%s");' % fname,
                       '            }', '            r.merge_error(sub_);', '            continue;', '        }',
                       '        break;']
            td += ['    default:', '        break;', '    }']
        td.append('    unknown_tagged_fields.push_back({tag_, sub_.read_raw(sub_.remaining(), "%s")});' % fn)
        td.append('}')
        enc += ['if (%s) {' % fc] + indent(te) + ['}']
        size += ['if (%s) {' % fc] + indent(ts) + ['}']
        dec += ['if (%s) {' % fc] + indent(td) + ['}']
    out = ['void %s::encode(writer& w, [[maybe_unused]] int16_t version) const {' % qual, '    ' + flex_line]
    out += indent(enc) + ['}', '']
    out += ['size_t %s::encoded_size([[maybe_unused]] int16_t version) const {' % qual, '    ' + flex_line, '    size_t n = 0;']
    out += indent(size) + ['    return n;', '}', '']
    out += ['void %s::decode_from(reader& r, [[maybe_unused]] int16_t version) {' % qual, '    ' + flex_line]
    out += indent(dec) + ['}', '']
    return out


HEADER_TOP = '''#pragma once
// Generated by src/protocol/kafka/schema/generate.py from %s: do not edit.
// Wire format: Kafka %s (api key %d), fields in schema order, see wire.h for the primitives.
#include "brook/common/bytes.h"
#include "brook/common/result.h"
#include "brook/protocol/kafka/wire.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace brook::protocol::kafka {
'''


def gen_api(api, src):
    h = [HEADER_TOP % (os.path.basename(src), api.name, api.key)]
    cc = ['// Generated by src/protocol/kafka/schema/generate.py from %s: do not edit.' % os.path.basename(src),
          '#include "brook/protocol/kafka/messages/%s.h"' % api.name, '',
          '#include <cstdint>', '', 'namespace brook::protocol::kafka {', '']
    for kind in ('request', 'response'):
        msg = api.messages[kind]
        h += struct_decl(msg.top, msg, True) + ['']
        for st in order_structs(msg):
            cc += struct_defs(st, msg, '%s::%s' % (msg.name, st.name))
        cc += struct_defs(msg.top, msg, msg.name)
        cc += ['result<%s> %s::decode(reader& r, int16_t version) {' % (msg.name, msg.name),
               '    if (version < min_version || version > max_version) {',
               '        return decode_errc::unsupported_version;', '    }',
               '    %s m;' % msg.name, '    m.decode_from(r, version);',
               '    if (!r.ok()) {', '        return r.error();', '    }', '    return m;', '}', '']
    h.append('} // namespace brook::protocol::kafka')
    cc.append('} // namespace brook::protocol::kafka')
    return '\n'.join(h) + '\n', '\n'.join(cc) + '\n'


def gen_all(apis):
    apis = sorted(apis, key=lambda a: a.key)
    h = ['#pragma once', '// Generated by src/protocol/kafka/schema/generate.py: do not edit.',
         '// Every generated message type, and variants over all requests and all responses.']
    h += ['#include "brook/protocol/kafka/messages/%s.h"' % a.name for a in apis]
    h += ['', '#include <variant>', '', 'namespace brook::protocol::kafka {', '',
          '/// Number of APIs in the table.', 'inline constexpr size_t api_count = %d;' % len(apis), '',
          'using request_body = std::variant<%s>;' % ', '.join('%s_request' % a.name for a in apis),
          'using response_body = std::variant<%s>;' % ', '.join('%s_response' % a.name for a in apis), '',
          '} // namespace brook::protocol::kafka']
    cc = ['// Generated by src/protocol/kafka/schema/generate.py: do not edit.',
          '#include "brook/protocol/kafka/api.h"', '#include "brook/protocol/kafka/messages/all.h"', '',
          'namespace brook::protocol::kafka {', '', 'namespace {', '',
          'constexpr api_info table[] = {']
    for a in apis:
        rq, rs = a.messages['request'], a.messages['response']
        if rq.valid != rs.valid or rq.flex != rs.flex:
            raise SchemaError('%s: request and response versions differ' % a.name)
        cc.append('    {%d, "%s", %d, %d, %d},' % (a.key, a.name, rq.valid[0], rq.valid[1],
                                                   rq.flex[0] if rq.flex else -1))
    cc += ['};', '', '} // namespace', '', 'std::span<const api_info> api_table() noexcept { return table; }', '']
    for kind in ('request', 'response'):
        cc += ['result<%s_body> decode_%s_body(int16_t api_key, int16_t version, reader& r) {' % (kind, kind),
               '    switch (api_key) {']
        for a in apis:
            cc += ['    case %d: {' % a.key,
                   '        auto m = %s_%s::decode(r, version);' % (a.name, kind),
                   '        if (!m) {', '            return m.error();', '        }',
                   '        return %s_body(std::move(m).value());' % kind, '    }']
        cc += ['    default:', '        return decode_errc::unknown_api_key;', '    }', '}', '']
    cc.append('} // namespace brook::protocol::kafka')
    return '\n'.join(h) + '\n', '\n'.join(cc) + '\n'


def sample_value(f, valid, k, x, elem=False):
    """Statements giving `x` a non-default value derived from k and `seed`."""
    if f.base == 'bool':
        return ['%s = %s;' % (x, 'false' if f.default == 'true' else 'true')]
    if f.base == 'uuid':
        return ['for (size_t i_ = 0; i_ < %s.size(); ++i_) {' % x,
                '    %s[i_] = static_cast<uint8_t>(seed + %d + i_);' % (x, k), '}']
    if f.base == 'float64':
        return ['%s = 1.5 + %d + seed;' % (x, k)]
    if f.base in PRIM:
        return ['%s = static_cast<%s>(10 + %d + seed);' % (x, PRIM[f.base][0], k % 90)]
    if f.base == 'string':
        return ['%s = "s%d_" + std::to_string(seed);' % (x, k)]
    if f.base in ('bytes', 'records'):
        return ['%s = bytes{1, 2, static_cast<uint8_t>(%d), static_cast<uint8_t>(seed)};' % (x, k % 256)]
    return ['sample(%s, version, seed + %d);' % (x, k)]


def sample_struct(st, msg, qual):
    valid = msg.valid
    out = ['inline void sample(%s& m, [[maybe_unused]] int16_t version, [[maybe_unused]] uint32_t seed) {' % qual]
    for k, f in enumerate(st.fields):
        c = cond(f.versions, valid)
        if c == 'false':
            continue
        x = 'm.%s' % f.name
        body = []
        nul = null_expr(f, valid) if f.nullable else 'false'
        if f.is_array:
            if f.nullable:
                body += ['if ((%s) && seed %% 2 == 1) {' % nul, '    %s.reset();' % x, '} else {',
                         '    auto& v_ = %s.emplace();' % x]
                ind = '    '
            else:
                body += ['{', '    auto& v_ = %s;' % x]
                ind = '    '
            body += [ind + 'v_.resize(2);', ind + 'for (uint32_t j_ = 0; j_ < 2; ++j_) {']
            body += [ind + '    ' + l for l in sample_value(f, valid, k, 'v_[j_]', True)]
            body += [ind + '}', '}']
        elif f.nullable and f.base in VARLEN:
            body += ['if ((%s) && seed %% 2 == 1) {' % nul, '    %s.reset();' % x, '} else {']
            body += ['    ' + l for l in sample_value(f, valid, k, x)] + ['}']
        else:
            body += sample_value(f, valid, k, x)
        if c == 'true':
            out += indent(body)
        else:
            out += ['    if (%s) {' % c] + indent(body, 2) + ['    }']
    if msg.flex:
        out += ['    if ((%s) && seed %% 2 == 1) {' % cond(msg.flex, valid),
                '        m.unknown_tagged_fields.push_back({1000, bytes{7, 7, static_cast<uint8_t>(seed)}});',
                '    }']
    out += ['}', '']
    return out


def gen_samples(apis):
    out = ['#pragma once', '// Generated by src/protocol/kafka/schema/generate.py: do not edit.',
           '// Test support: sample(m, version, seed) sets every field valid at `version` to a non-default',
           '// value (odd seeds make nullable fields null and add an unknown tagged field).',
           '#include "brook/protocol/kafka/messages/all.h"', '', '#include <string>', '',
           'namespace brook::protocol::kafka::samples {', '']
    decls = []
    for a in sorted(apis, key=lambda a: a.key):
        for kind in ('request', 'response'):
            msg = a.messages[kind]
            for st in order_structs(msg) + [msg.top]:
                qual = msg.name if st is msg.top else '%s::%s' % (msg.name, st.name)
                decls.append('inline void sample(%s& m, int16_t version, uint32_t seed);' % qual)
                out += sample_struct(st, msg, qual)
    out = out[:10] + decls + [''] + out[10:]
    out.append('} // namespace brook::protocol::kafka::samples')
    return '\n'.join(out) + '\n'


def write_if_changed(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    if os.path.exists(path) and open(path).read() == text:
        return
    with open(path, 'w') as f:
        f.write(text)


def main():
    out = sys.argv[1]
    apis = []
    for src in sys.argv[2:]:
        api = parse_def(src)
        apis.append(api)
        h, cc = gen_api(api, src)
        write_if_changed(os.path.join(out, 'brook/protocol/kafka/messages/%s.h' % api.name), h)
        write_if_changed(os.path.join(out, 'messages/%s.cc' % api.name), cc)
    h, cc = gen_all(apis)
    write_if_changed(os.path.join(out, 'brook/protocol/kafka/messages/all.h'), h)
    write_if_changed(os.path.join(out, 'messages/api_table.cc'), cc)
    write_if_changed(os.path.join(out, 'brook/protocol/kafka/messages/samples.h'), gen_samples(apis))


if __name__ == '__main__':
    try:
        main()
    except SchemaError as e:
        sys.exit('generate.py: %s' % e)
