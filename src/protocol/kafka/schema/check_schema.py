#!/usr/bin/env python3
"""Checks our schema files against Kafka's JSON message specifications (a review tool, not a build step).

Usage: check_schema.py <dir with Kafka's *Request.json / *Response.json> [file.def...]

For every message it compares the valid and flexible versions and, field by field and in order, the
name, type, versions, nullable versions, tag, tagged versions and default. Prints each difference and
exits non-zero if there is any.
"""
import glob
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import generate  # noqa: E402


def snake(n):
    s = re.sub(r'([a-z0-9])([A-Z])', r'\1_\2', n)
    return re.sub(r'([A-Z]+)([A-Z][a-z])', r'\1_\2', s).lower()


def camel(n):
    return ''.join(p[:1].upper() + p[1:] for p in n.split('_'))


def load(path):
    text = re.sub(r'^\s*//.*$', '', open(path).read(), flags=re.M)
    return json.loads(text)


def vers(s):
    return generate.parse_versions(s, 'json') if s is not None else None


def norm_default(d):
    if d is None:
        return None
    if isinstance(d, bool):
        return 'true' if d else 'false'
    d = str(d)
    return "''" if d == '' else d


def compare_fields(where, ours, theirs, msg, json_structs, errors):
    if len(ours) != len(theirs):
        errors.append('%s: %d fields, Kafka has %d' % (where, len(ours), len(theirs)))
    for f, j in zip(ours, theirs):
        w = '%s.%s' % (where, f.wire_name)
        if f.wire_name != snake(j['name']):
            errors.append('%s: name differs from %s' % (w, j['name']))
        jt = j['type']
        jarr = jt.startswith('[]')
        jbase = jt[2:] if jarr else jt
        if f.is_array != jarr:
            errors.append('%s: array-ness differs' % w)
        if (jbase in generate.PRIM or jbase in generate.VARLEN) != (not f.is_struct) or \
                (not f.is_struct and jbase != f.base):
            errors.append('%s: type %s, Kafka %s' % (w, f.base, jt))
        checks = [('versions', f.versions, vers(j['versions'])),
                  ('nullable', f.nullable, vers(j.get('nullableVersions'))),
                  ('tag', f.tag, j.get('tag')),
                  ('tagged', f.tagged, vers(j.get('taggedVersions'))),
                  ('default', f.default, norm_default(j.get('default')))]
        for what, a, b in checks:
            if a != b:
                errors.append('%s: %s %r, Kafka %r' % (w, what, a, b))
        if f.is_struct:
            children = j.get('fields') or json_structs.get(jbase, {}).get('fields')
            if children is None:
                errors.append('%s: Kafka struct %s not found' % (w, jbase))
                continue
            compare_fields(w, msg.structs[f.base].fields, children, msg, json_structs, errors)


def main():
    ref = sys.argv[1]
    defs = sys.argv[2:] or sorted(glob.glob(os.path.join(os.path.dirname(os.path.abspath(__file__)), '*.def')))
    errors = []
    for path in defs:
        api = generate.parse_def(path)
        for kind, msg in api.messages.items():
            j = load(os.path.join(ref, camel(api.name) + kind.capitalize() + '.json'))
            where = '%s %s' % (os.path.basename(path), kind)
            if j['apiKey'] != api.key:
                errors.append('%s: api key %d, Kafka %d' % (where, api.key, j['apiKey']))
            if msg.valid != vers(j['validVersions']):
                errors.append('%s: valid versions differ' % where)
            if msg.flex != vers(j['flexibleVersions']):
                errors.append('%s: flexible versions differ' % where)
            structs = {c['name']: c for c in j.get('commonStructs', [])}
            compare_fields(where, msg.top.fields, j['fields'], msg, structs, errors)
    for e in errors:
        print(e)
    print('%d schema files checked, %d differences' % (len(defs), len(errors)))
    return 1 if errors else 0


if __name__ == '__main__':
    sys.exit(main())
