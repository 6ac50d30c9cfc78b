// The partners table follows the profiles: every profile is a row, and an edited profile updates
// its row on the next ingest (payments keep referring to the same partner id).
import { describe, expect, it } from 'vitest';
import { loadProfiles, upsertPartners } from '../../src/ingest/index.ts';
import { openTestDb, Scratch, withProfile } from './helpers.ts';

describe('partners table', () => {
  it('holds one row per profile and takes edits on the next upsert', async () => {
    const s = new Scratch();
    s.profile(withProfile({ id: 'bank-a', name: 'Bank A' }));
    s.profile(withProfile({ id: 'bank-b', name: 'Bank B', bin: undefined, channel_group: 'intermediary', default_instrument: 'ewallet' }));
    const { db } = await openTestDb();
    try {
      await upsertPartners(db, loadProfiles(s.profiles));
      s.profile(withProfile({ id: 'bank-a', name: 'Ngân hàng A', bin: '970415' }));
      await upsertPartners(db, loadProfiles(s.profiles));
      const rows = await db.all('SELECT partner_id, name, channel_group, bin, default_instrument FROM partners ORDER BY partner_id');
      expect(rows).toEqual([
        { partner_id: 'bank-a', name: 'Ngân hàng A', channel_group: 'bank', bin: '970415', default_instrument: 'transfer' },
        { partner_id: 'bank-b', name: 'Bank B', channel_group: 'intermediary', bin: null, default_instrument: 'ewallet' },
      ]);
      await upsertPartners(db, []);
      expect((await db.all('SELECT count(*)::INTEGER AS n FROM partners'))[0]).toEqual({ n: 2 });
    } finally {
      await db.close();
    }
  });
});
