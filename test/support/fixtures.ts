/** A complete, valid registration; tests change one thing at a time. */
export function validRegistration(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    organizationNumber: '991825827',
    names: { nb: 'Digitaliseringsdirektoratet', nn: 'Digitaliseringsdirektoratet', en: 'Norwegian Digitalisation Agency', acronym: 'DIGDIR' },
    sector: 'state',
    environment: 'test',
    services: ['DPO', 'DPV', 'DPF'],
    altinnServiceOwner: false,
    usesEInnsyn: false,
    technicalContact: { name: 'Kari Nordmann', email: 'kari@digdir.no', mobile: '+4791234567' },
    archiveContact: { name: 'Ola Nordmann', email: 'ola@digdir.no', mobile: '41234567' },
    notificationContact: { name: 'Varsling Digdir', email: 'varsling@digdir.no', mobile: '0047 912 34 568' },
    invoice: { reference: 'EFM-2026', email: 'faktura@digdir.no', address: { line1: 'Postboks 1382 Vika', postalCode: '0114', city: 'Oslo' } },
    caseArchiveSystem: { product: 'Public 360', module: 'eFormidling-modul' },
    dpvIpAddresses: ['192.0.2.10', '2001:db8::/64'],
    ...overrides,
  };
}

/** Deep-sets `value` at a dotted path in a copy of `object`; undefined deletes. */
export function withPath(object: Record<string, unknown>, dotted: string, value: unknown): Record<string, unknown> {
  const copy = structuredClone(object);
  const keys = dotted.split('.');
  let cursor: Record<string, unknown> = copy;
  for (const key of keys.slice(0, -1)) cursor = cursor[key] as Record<string, unknown>;
  const last = keys[keys.length - 1]!;
  if (value === undefined) delete cursor[last];
  else cursor[last] = value;
  return copy;
}
