import { z } from 'zod';

/**
 * Childcare domain vocabulary shared by edge, hub and dashboard. Numbers here are the
 * national defaults from 《托育机构设置标准（试行）》 Art. 19–20; a district may change them
 * through configuration, so code must read them from config, never from these constants
 * directly when a configured value exists.
 */

/** 乳儿班 6–12 months, 托小班 12–24, 托大班 24–36, mixed (≥ 18 months), home childcare point. */
export const ClassType = z.enum(['infant', 'toddler_small', 'toddler_large', 'mixed', 'home']);
export type ClassType = z.infer<typeof ClassType>;

export interface ClassRule {
  /** Maximum children per class. */
  maxChildren: number;
  /** Children per caregiver: ratio 1:N means at most N children per adult. */
  childrenPerAdult: number;
}

export const DEFAULT_CLASS_RULES: Readonly<Record<ClassType, ClassRule>> = {
  infant: { maxChildren: 10, childrenPerAdult: 3 },
  toddler_small: { maxChildren: 15, childrenPerAdult: 5 },
  toddler_large: { maxChildren: 20, childrenPerAdult: 7 },
  // Mixed classes (≥ 18 months) are capped at 18; the ratio follows the youngest
  // band present, which we cannot see, so default to the 托小班 rule.
  mixed: { maxChildren: 18, childrenPerAdult: 5 },
  home: { maxChildren: 5, childrenPerAdult: 3 },
};

/** Zone types: `masked` zones are never analysed nor stored (toilets, changing areas). */
export const ZoneType = z.enum(['room', 'play', 'nap', 'exit', 'masked']);
export type ZoneType = z.infer<typeof ZoneType>;

/** Shaoxing rating levels, highest first: 市级示范 > 一级 > 二级 > 三级, then unrated. */
export const RatingLevel = z.enum(['city_demo', 'level1', 'level2', 'level3', 'unrated']);
export type RatingLevel = z.infer<typeof RatingLevel>;

/** "二级及以上": 二级, 一级 and 市级示范. */
export const LEVEL2_AND_ABOVE: readonly RatingLevel[] = ['city_demo', 'level1', 'level2'];

/** Institutions without a configured zone live in China: days, charts and reports follow it. */
export const DEFAULT_TIME_ZONE = 'Asia/Shanghai';

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** An IANA time zone name (`Asia/Shanghai`), as the platform's Intl knows them. */
export const TimeZone = z.string().min(1).max(64).refine(isTimeZone, 'must be an IANA time zone such as Asia/Shanghai');

export const Role = z.enum(['supervisor', 'institution_admin', 'regulator', 'guardian']);
export type Role = z.infer<typeof Role>;

/** A normalised point: x and y in [0, 1] of the frame width and height. */
export const NormPoint = z.tuple([z.number().min(0).max(1), z.number().min(0).max(1)]);
export const Polygon = z.array(NormPoint).min(3);
export type Polygon = z.infer<typeof Polygon>;

/**
 * A zone of one camera's view: a room, a play mat, a nap area, a door line, or a masked
 * area (never analysed). Used by edge config and the hub's remote config message. Strict:
 * a misspelt key (`capcity: 15`) is an error, not a silently ignored field that leaves
 * the crowding rule without a capacity.
 */
export const ZoneConfig = z.strictObject({
  id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/),
  name: z.string().min(1).max(100).optional(),
  type: ZoneType,
  polygon: Polygon,
  /** The class that uses this room; the `ratio` rule reads its limit from it. */
  classType: ClassType.optional(),
  /** People allowed in the zone at once (crowding rule). */
  capacity: z.number().int().positive().optional(),
});
export type ZoneConfig = z.infer<typeof ZoneConfig>;
