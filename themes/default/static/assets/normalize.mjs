// renkei search normalisation (the browser half). The Rust half is src/search/normalize.rs;
// both must give identical output, which tests/search/cases.tsv checks from both sides.
//
// Steps: NFKC; 異体字 folded to the common form (table below, also src/search/itaiji.tsv);
// katakana folded to hiragana; small kana to full size; a hyphen after kana read as ー;
// ASCII lower case; hyphens and spaces dropped inside digit runs (099-123-4567 → 0991234567);
// other whitespace collapsed. 濁点 are kept: が is not か.

// Pairs of (variant, common form), two characters each.
const ITAIJI = "亞亜惡悪壓圧圍囲爲為醫医壹壱稻稲飮飲隱隠營営榮栄衞衛驛駅圓円鹽塩緣縁艷艶應応歐欧毆殴櫻桜奧奥假仮價価畫画會会囘回壞壊懷懐繪絵擴拡殼殻覺覚學学嶽岳樂楽渴渇卷巻陷陥寬寛歡歓勸勧觀観關関氣気歸帰龜亀僞偽戲戯犧犠舊旧據拠擧挙峽峡狹狭曉暁區区驅駆勳勲徑径惠恵溪渓經経繼継莖茎螢蛍輕軽鷄鶏藝芸缺欠儉倹劍剣圈圏檢検權権獻献縣県險険顯顕驗験嚴厳效効廣広恆恒鑛鉱號号國国黑黒濟済碎砕齋斎齊斎劑剤雜雑參参慘惨棧桟蠶蚕贊賛殘残絲糸齒歯兒児辭辞濕湿實実舍舎寫写釋釈壽寿收収從従澁渋獸獣縱縦肅粛處処緖緒敍叙將将燒焼稱称證証乘乗剩剰壤壌孃嬢條条淨浄狀状疊畳讓譲釀醸觸触寢寝愼慎眞真盡尽圖図粹粋醉酔隨随髓髄數数樞枢聲声靜静攝摂竊窃專専戰戦淺浅潛潜纖繊踐践錢銭禪禅雙双壯壮搜捜插挿爭争總総聰聡莊荘裝装騷騒臟臓藏蔵屬属續続墮堕體体對対帶帯滯滞臺台瀧滝擇択澤沢單単擔担膽胆團団彈弾斷断癡痴遲遅晝昼蟲虫鑄鋳廳庁聽聴鎭鎮轉転傳伝燈灯當当黨党盜盗鬪闘德徳獨独讀読屆届繩縄貳弐惱悩腦脳霸覇廢廃拜拝賣売麥麦發発髮髪拔抜蠻蛮祕秘濱浜甁瓶拂払佛仏竝並變変邊辺邉辺辨弁瓣弁辯弁舖舗步歩穗穂寶宝萠萌豐豊沒没飜翻每毎萬万滿満默黙彌弥譯訳藥薬豫予餘余與与譽誉搖揺樣様謠謡來来賴頼亂乱覽覧龍竜兩両獵猟綠緑壘塁淚涙勵励禮礼隸隷靈霊齡齢戀恋爐炉勞労樓楼錄録灣湾髙高﨑崎嵜崎嶋島嶌島曻昇舘館冨富槇槙邨村𠮷吉桒桑濵浜曾曽戶戸靑青淸清增増圀国鄕郷卽即旣既硏研";

const FOLD = new Map();
{
  const chars = Array.from(ITAIJI);
  for (let i = 0; i + 1 < chars.length; i += 2) FOLD.set(chars[i], chars[i + 1]);
}
const SMALL = { 'ぁ': 'あ', 'ぃ': 'い', 'ぅ': 'う', 'ぇ': 'え', 'ぉ': 'お', 'っ': 'つ', 'ゃ': 'や', 'ゅ': 'ゆ', 'ょ': 'よ', 'ゎ': 'わ', 'ゕ': 'か', 'ゖ': 'け' };
const HYPHENS = new Set(['-', '‐', '‑', '‒', '–', '—', '―', '−', 'ー']);

function isKana(c) {
  return c >= 'ぁ' && c <= 'ゖ' || c === 'ー';
}
function isDigit(c) {
  return c >= '0' && c <= '9';
}

/** Normalises text for matching; identical to renkei::search::normalize in Rust. */
export function normalize(text) {
  const out = [];
  for (let c of Array.from(text.normalize('NFKC'))) {
    c = FOLD.get(c) || c;
    const code = c.codePointAt(0);
    if (code >= 0x30a1 && code <= 0x30f6) c = String.fromCodePoint(code - 0x60);
    else if (c === 'ヽ' || c === 'ヾ') c = c === 'ヽ' ? 'ゝ' : 'ゞ';
    c = SMALL[c] || c;
    if (HYPHENS.has(c) && out.length && isKana(out[out.length - 1])) c = 'ー';
    else if (c >= 'A' && c <= 'Z') c = c.toLowerCase();
    else if (/\s/.test(c)) c = ' ';
    out.push(c);
  }
  // Drop hyphens and spaces between digits, then collapse spaces.
  const joined = [];
  for (let i = 0; i < out.length; i++) {
    const c = out[i];
    if ((c === ' ' || HYPHENS.has(c) && c !== 'ー') && joined.length && isDigit(joined[joined.length - 1])) {
      let j = i;
      while (j < out.length && (out[j] === ' ' || HYPHENS.has(out[j]) && out[j] !== 'ー')) j++;
      if (j < out.length && isDigit(out[j])) { i = j - 1; continue; }
    }
    if (c === ' ' && (joined.length === 0 || joined[joined.length - 1] === ' ')) continue;
    joined.push(c);
  }
  while (joined.length && joined[joined.length - 1] === ' ') joined.pop();
  return joined.join('');
}

/** Characters that end a searchable run; the same ranges as is_separator in Rust. */
export function isSeparator(c) {
  const n = c.codePointAt(0);
  if (n < 0x80) return !/[0-9a-zA-Z]/.test(c);
  return n >= 0x80 && n <= 0xbf || n === 0xd7 || n === 0xf7 || n >= 0x2000 && n <= 0x206f ||
    n >= 0x3000 && n <= 0x3004 || n >= 0x3008 && n <= 0x3020 || n === 0x30fb;
}

/** The runs a query matches by: normalised, split at spaces and separators (query_runs). */
export function queryRuns(query) {
  const runs = [];
  let run = '';
  for (const c of normalize(query)) {
    if (c === ' ' || isSeparator(c)) {
      if (run) runs.push(run);
      run = '';
    } else run += c;
  }
  if (run) runs.push(run);
  return runs;
}
