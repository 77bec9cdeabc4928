import { DEFAULT_LOG_FORMAT, type LogFormat } from '../flowlog/format.js';
import type { ParamSpec } from '../queries/params.js';
import { missingFields, TEMPLATES, type Template } from '../queries/templates.js';

/** A parameter's value as the help shows it: its type and range (`<n> 1-1000`, `ACCEPT|REJECT`). */
export function paramValueText(spec: ParamSpec): string {
  switch (spec.kind) {
    case 'time':
      return '<time>';
    case 'integer':
      return `<${spec.min}-${spec.max}>`;
    case 'integer-list':
      return `<n,n,...>  ${spec.minCount}-${spec.maxCount} numbers ${spec.min}-${spec.max}`;
    case 'pattern':
      return `<${spec.example}>`;
    case 'enum':
      return spec.values.join('|');
    case 'cidr':
      return '<cidr>';
    case 'cidr-list':
      return `<cidr,cidr,...>  ${spec.minCount}-${spec.maxCount} networks`;
    case 'protocol':
      return 'tcp|udp|icmp|icmpv6|<0-255>';
  }
}

/** `(required)`, `(default 10)`, `(default 22,23,445)`, or nothing. */
function requirement(spec: ParamSpec): string {
  if (spec.required) return spec.kind === 'time' ? ' (required, or --since)' : ' (required)';
  if ('default' in spec && spec.default !== undefined) return ` (default ${Array.isArray(spec.default) ? spec.default.join(',') : String(spec.default)})`;
  return '';
}

/** One line per parameter: the flag with its type and range, then what it does, whether it is required, its default. */
export function paramLines(template: Template): string[] {
  // Required ones first; a time's forms are the shared flags' (`--start, --end` above).
  const params = [...template.params].sort((a, b) => Number(b.required) - Number(a.required));
  const heads = params.map((p) => `  --${p.name.replaceAll('_', '-')} ${paramValueText(p)}`);
  const width = Math.min(40, Math.max(...heads.map((h) => h.length)));
  return params.map((p, i) => {
    const head = heads[i].length > width ? `${heads[i]}\n${' '.repeat(width)}` : heads[i].padEnd(width);
    const description = p.kind === 'time' ? p.description.split(':')[0] : p.description;
    return `${head}  ${description}${requirement(p)}`;
  });
}

/** The fields a template needs beyond the default (version 2) format. */
export function extraFields(template: Template): string[] {
  return missingFields(template, DEFAULT_LOG_FORMAT);
}

/** `flowq run <template> --help`'s own part, after the shared flags, and `flowq queries <template>`. */
export function templateHelp(template: Template): string {
  const extra = extraFields(template);
  return [
    `${template.name}: ${template.description}`,
    `  fields needed: ${template.fields.join(' ')}${extra.length > 0 ? ` (beyond the default format: ${extra.join(' ')})` : ''}`,
    `  columns: ${template.columns.map((c) => c.name).join(', ')}; order: ${template.order}`,
    '',
    `${template.name}'s parameters:`,
    ...paramLines(template),
  ].join('\n');
}

/**
 * `flowq queries`: one line per template (name, what it answers, fields beyond the default format),
 * and, for a format given, whether it has them.
 */
export function templateList(format: LogFormat | undefined): string {
  const templates = [...TEMPLATES.values()];
  const width = Math.max(...templates.map((t) => t.name.length));
  const lines = templates.map((t) => {
    const extra = extraFields(t);
    const needs = extra.length > 0 ? `  [needs ${extra.join(', ')}]` : '';
    const lacking = format === undefined ? [] : missingFields(t, format);
    const mark = format === undefined ? '' : lacking.length > 0 ? `  (not in this format: ${lacking.join(', ')})` : '';
    return `${t.name.padEnd(width)}  ${t.description}${format === undefined ? needs : mark}`;
  });
  const footer =
    format === undefined
      ? '[needs ...]: fields beyond the default format; flowq queries --data <dir> says which the files have'
      : `${templates.filter((t) => missingFields(t, format).length === 0).length} of ${templates.length} templates run on this format`;
  return `${lines.join('\n')}\n\n${footer}\nflowq queries <name> (or flowq run <name> --help): a template's parameters, defaults and columns\n`;
}
