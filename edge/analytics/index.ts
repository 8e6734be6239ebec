/** Public surface of the safety analytics: the rule engine, its config and the activity model glue. */
export { createRuleEngine, type AnalyticsEngine, type RuleEngineOptions, type RuleEngineStats } from './engine.ts';
export { createOfflineRuleEngine, type OfflineRuleEngineOptions } from './offline.ts';
export { RulesConfig, FallConfig, BreachTiming, UnknownAgePolicy, parseRulesConfig, type RulesConfigInput } from './config.ts';
export { footPoint, pointInPolygon, placePersons, type PlacedPerson } from './zones.ts';
export {
  loadActivityClassifier,
  ActivityModelIntegrityError,
  DEFAULT_ACTIVITY_MODEL_DIR,
  type LoadedActivityClassifier,
  type LoadActivityOptions,
} from './activity-classifier.ts';
export { createActivityTagger, type ActivityTagger, type ActivityTaggerOptions } from './activity-tagger.ts';
export { windowFeatures, ACTIVITY_HZ, WINDOW_FRAMES } from './activity-features.ts';
