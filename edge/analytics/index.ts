/** Public surface of the safety analytics: the rule engine, its config and the activity model glue. */
export { createRuleEngine, type AnalyticsEngine, type RuleEngineOptions, type RuleEngineStats } from './engine.ts';
export { RulesConfig, FallConfig, BreachTiming, UnknownAgePolicy, parseRulesConfig, type RulesConfigInput } from './config.ts';
export { footPoint, pointInPolygon, placePersons, type PlacedPerson } from './zones.ts';
