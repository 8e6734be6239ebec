/**
 * A small message catalogue: zh-CN (default, the staff's language) and English. Keys are
 * checked by TypeScript so a missing translation fails the typecheck, not the nurse station.
 */
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';

const zh = {
  appName: '安育',
  appTagline: '托育安全预警',
  username: '用户名',
  password: '密码',
  login: '登录',
  logout: '退出',
  loginFailed: '用户名或密码错误',
  language: 'English',
  navLive: '实时告警',
  navLog: '事件记录',
  navCameras: '摄像头',
  navCharts: '统计图表',
  navCoverage: '云监管覆盖率',
  connConnected: '已连接',
  connConnecting: '连接中…',
  connDisconnected: '连接已断开，正在重连…',
  resynced: '重连后补收 {n} 条告警',
  dismiss: '知道了',
  noLiveIncidents: '当前没有未处理的告警',
  acknowledge: '确认',
  acknowledged: '已确认',
  ackBy: '{who} 于 {at} 确认',
  ackFailed: '确认失败：{msg}',
  criticalBanner: '紧急告警未确认：{n} 条',
  enableSound: '开启提示音',
  soundOn: '提示音已开启',
  room: '房间',
  camera: '摄像头',
  time: '时间',
  kind: '类型',
  severity: '级别',
  status: '状态',
  outcome: '结论',
  note: '备注',
  from: '开始',
  to: '结束',
  all: '全部',
  apply: '查询',
  reset: '重置',
  exportCsv: '导出 CSV',
  printReport: '打印报告',
  back: '返回',
  total: '共 {n} 条',
  prev: '上一页',
  next: '下一页',
  page: '第 {p} / {n} 页',
  details: '详情',
  timeline: '时间线',
  closeIncident: '结案',
  closeSubmit: '提交结案',
  closedWith: '已结案：{outcome}',
  active: '进行中',
  ended: '已结束',
  missed: '断线期间',
  snapshot: '现场快照',
  noSnapshot: '无快照',
  evidence: '证据',
  confidence: '置信度',
  legalHold: '法律保全',
  loading: '加载中…',
  loadFailed: '加载失败：{msg}',
  empty: '没有数据',
  camState: '状态',
  fps: '帧率（实际/应有）',
  reconnects: '近 1 小时重连',
  stalls: '近 1 小时卡顿',
  lastFrame: '最后一帧',
  openIncidents: '未结束事件',
  never: '从未',
  perDay: '每日事件（按类型）',
  ackTime: '确认用时',
  ackN: '已确认 {n} 条',
  median: '中位数',
  p90: '90 分位',
  seconds: '{n} 秒',
  institution: '机构',
  level: '评级',
  town: '镇街',
  share: '覆盖率',
  daysCovered: '覆盖天数',
  gaps: '未覆盖原因',
  byLevel: '按评级',
  byTown: '按镇街',
  target2024: '2024 目标：二级及以上全部覆盖',
  target2027: '2027 目标：全部机构覆盖',
  met: '已达成',
  notMet: '未达成',
  reportTitle: '安育 事件报告',
  printedAt: '打印时间',
  roleSupervisor: '保育主管',
  roleInstitutionAdmin: '机构负责人',
  roleRegulator: '监管部门',
  by: '操作人',
  tlOpened: '发生',
  tlUpdated: '更新',
  tlResolved: '结束',
  tlAcknowledged: '确认',
  tlClosed: '结案',
  tlLegalHold: '法律保全',
  kind_fall: '跌倒',
  kind_crowding: '区域超员',
  kind_ratio: '师幼比不足',
  kind_unattended: '无人看护',
  kind_camera_offline: '摄像头离线',
  kind_camera_tamper: '摄像头遮挡/移位',
  sev_info: '提示',
  sev_warning: '警告',
  sev_critical: '紧急',
  st_new: '待确认',
  st_acknowledged: '已确认',
  st_closed: '已结案',
  out_false_alarm: '误报',
  out_no_injury: '无受伤',
  out_minor_injury: '轻微受伤',
  out_medical_referral: '转医治疗',
  out_reported_to_authority: '已上报主管部门',
  out_other: '其他',
  cam_starting: '启动中',
  cam_online: '在线',
  cam_offline: '离线',
  lvl_city_demo: '市级示范',
  lvl_level1: '一级',
  lvl_level2: '二级',
  lvl_level3: '三级',
  lvl_unrated: '未评级',
  count_adults: '成人',
  count_children: '幼儿',
  count_persons: '人数',
  notAvailable: '此功能在当前服务器上尚未启用',
  offlineStale: '与服务器的连接已断开：此页内容可能不是最新的，重连后会自动补齐。',
};

export type MessageKey = keyof typeof zh;

const en: Record<MessageKey, string> = {
  appName: 'Anyu',
  appTagline: 'Childcare safety alerts',
  username: 'Username',
  password: 'Password',
  login: 'Sign in',
  logout: 'Sign out',
  loginFailed: 'Wrong username or password',
  language: '中文',
  navLive: 'Live wall',
  navLog: 'Incident log',
  navCameras: 'Cameras',
  navCharts: 'Charts',
  navCoverage: 'Coverage',
  connConnected: 'Connected',
  connConnecting: 'Connecting…',
  connDisconnected: 'Disconnected, reconnecting…',
  resynced: '{n} alerts arrived while disconnected',
  dismiss: 'OK',
  noLiveIncidents: 'No open alerts',
  acknowledge: 'Acknowledge',
  acknowledged: 'Acknowledged',
  ackBy: 'Acknowledged by {who} at {at}',
  ackFailed: 'Acknowledge failed: {msg}',
  criticalBanner: 'Unacknowledged critical alerts: {n}',
  enableSound: 'Enable sound',
  soundOn: 'Sound on',
  room: 'Room',
  camera: 'Camera',
  time: 'Time',
  kind: 'Kind',
  severity: 'Severity',
  status: 'Status',
  outcome: 'Outcome',
  note: 'Note',
  from: 'From',
  to: 'To',
  all: 'All',
  apply: 'Search',
  reset: 'Reset',
  exportCsv: 'Export CSV',
  printReport: 'Print report',
  back: 'Back',
  total: '{n} in total',
  prev: 'Previous',
  next: 'Next',
  page: 'Page {p} of {n}',
  details: 'Details',
  timeline: 'Timeline',
  closeIncident: 'Close incident',
  closeSubmit: 'Close',
  closedWith: 'Closed: {outcome}',
  active: 'Ongoing',
  ended: 'Ended',
  missed: 'While offline',
  snapshot: 'Snapshot',
  noSnapshot: 'No snapshot',
  evidence: 'Evidence',
  confidence: 'Confidence',
  legalHold: 'Legal hold',
  loading: 'Loading…',
  loadFailed: 'Could not load: {msg}',
  empty: 'Nothing here',
  camState: 'State',
  fps: 'FPS (delivered/expected)',
  reconnects: 'Reconnects (1 h)',
  stalls: 'Stalls (1 h)',
  lastFrame: 'Last frame',
  openIncidents: 'Open incidents',
  never: 'never',
  perDay: 'Incidents per day by kind',
  ackTime: 'Time to acknowledge',
  ackN: '{n} acknowledged',
  median: 'Median',
  p90: '90th percentile',
  seconds: '{n} s',
  institution: 'Institution',
  level: 'Rating',
  town: 'Town',
  share: 'Coverage',
  daysCovered: 'Days covered',
  gaps: 'Gaps',
  byLevel: 'By rating level',
  byTown: 'By town',
  target2024: '2024 target: all rated level 2 and above covered',
  target2027: '2027 target: all institutions covered',
  met: 'met',
  notMet: 'not met',
  reportTitle: 'Anyu incident report',
  printedAt: 'Printed at',
  roleSupervisor: 'Supervisor',
  roleInstitutionAdmin: 'Institution admin',
  roleRegulator: 'Regulator',
  by: 'By',
  tlOpened: 'Opened',
  tlUpdated: 'Updated',
  tlResolved: 'Ended',
  tlAcknowledged: 'Acknowledged',
  tlClosed: 'Closed',
  tlLegalHold: 'Legal hold',
  kind_fall: 'Fall',
  kind_crowding: 'Crowding',
  kind_ratio: 'Ratio breach',
  kind_unattended: 'Unattended',
  kind_camera_offline: 'Camera offline',
  kind_camera_tamper: 'Camera tamper',
  sev_info: 'Info',
  sev_warning: 'Warning',
  sev_critical: 'Critical',
  st_new: 'New',
  st_acknowledged: 'Acknowledged',
  st_closed: 'Closed',
  out_false_alarm: 'False alarm',
  out_no_injury: 'No injury',
  out_minor_injury: 'Minor injury',
  out_medical_referral: 'Medical referral',
  out_reported_to_authority: 'Reported to authority',
  out_other: 'Other',
  cam_starting: 'Starting',
  cam_online: 'Online',
  cam_offline: 'Offline',
  lvl_city_demo: 'City demonstration',
  lvl_level1: 'Level 1',
  lvl_level2: 'Level 2',
  lvl_level3: 'Level 3',
  lvl_unrated: 'Unrated',
  count_adults: 'adults',
  count_children: 'children',
  count_persons: 'people',
  notAvailable: 'This feature is not enabled on this server yet',
  offlineStale: 'Connection to the server lost: this page may be out of date; it catches up after reconnecting.',
};

export const LANGS = ['zh-CN', 'en'] as const;
export type Lang = (typeof LANGS)[number];
const catalogues: Record<Lang, Record<MessageKey, string>> = { 'zh-CN': zh, en };
const STORAGE_KEY = 'anyu.lang';

export function loadLang(storage: Storage): Lang {
  const saved = storage.getItem(STORAGE_KEY);
  return saved === 'en' ? 'en' : 'zh-CN';
}

export function saveLang(storage: Storage, lang: Lang): void {
  storage.setItem(STORAGE_KEY, lang);
}

export type Translate = (key: MessageKey, params?: Record<string, string | number>) => string;

export function translator(lang: Lang): Translate {
  const table = catalogues[lang];
  return (key, params) => {
    const text = table[key];
    if (!params) return text;
    return text.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m));
  };
}

/** Looks up an enum label such as `kind_fall`; unknown values are shown as they are. */
export function enumLabel(t: Translate, prefix: 'kind' | 'sev' | 'st' | 'out' | 'cam' | 'lvl' | 'count', value: string): string {
  const key = `${prefix}_${value}`;
  return key in zh ? t(key as MessageKey) : value;
}

/** Evidence counts such as `{ adults: 1, children: 4 }` as "成人 1，幼儿 4". */
export function countsText(t: Translate, counts: Record<string, number>): string {
  return Object.entries(counts)
    .map(([k, v]) => `${enumLabel(t, 'count', k)} ${v}`)
    .join(', ');
}

export interface I18n {
  lang: Lang;
  t: Translate;
  setLang: (lang: Lang) => void;
}

export const I18nContext = createContext<I18n>({ lang: 'zh-CN', t: translator('zh-CN'), setLang: () => undefined });

export function useI18n(): I18n {
  return useContext(I18nContext);
}
