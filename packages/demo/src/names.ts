import type { Rng } from "./rng";

export type DemoGender = "female" | "male";

export interface ChineseName {
  surname: string;
  givenName: string;
  /** Surname followed by given name, no separator: "王思雨". */
  fullName: string;
}

// Approximate shares (%) of the population holding each surname, after China's household
// registration statistics; two compound surnames keep the list honest about their existence.
const SURNAME_SHARES: ReadonlyArray<readonly [string, number]> = [
  ["王", 7.1], ["李", 7.0], ["张", 6.7], ["刘", 5.4], ["陈", 4.6], ["杨", 3.3], ["黄", 2.4], ["赵", 2.2],
  ["吴", 2.0], ["周", 1.9], ["徐", 1.3], ["孙", 1.3], ["马", 1.1], ["朱", 1.1], ["胡", 1.0], ["郭", 1.0],
  ["何", 0.9], ["林", 0.9], ["高", 0.9], ["罗", 0.9], ["郑", 0.8], ["梁", 0.7], ["谢", 0.6], ["宋", 0.6],
  ["唐", 0.6], ["许", 0.5], ["韩", 0.5], ["冯", 0.5], ["邓", 0.5], ["曹", 0.5], ["彭", 0.5], ["曾", 0.4],
  ["肖", 0.4], ["田", 0.4], ["董", 0.4], ["袁", 0.4], ["潘", 0.4], ["于", 0.4], ["蒋", 0.4], ["蔡", 0.4],
  ["余", 0.4], ["杜", 0.4], ["叶", 0.4], ["程", 0.4], ["苏", 0.3], ["魏", 0.3], ["吕", 0.3], ["丁", 0.3],
  ["任", 0.3], ["沈", 0.3], ["姚", 0.3], ["卢", 0.3], ["姜", 0.3], ["崔", 0.3], ["钟", 0.3], ["谭", 0.3],
  ["陆", 0.3], ["汪", 0.3], ["范", 0.3], ["金", 0.3], ["石", 0.3], ["廖", 0.2], ["贾", 0.2], ["夏", 0.2],
  ["韦", 0.2], ["方", 0.2], ["欧阳", 0.05], ["司马", 0.01],
];
const SURNAMES = SURNAME_SHARES.map(([surname]) => surname);
const SURNAME_WEIGHTS = SURNAME_SHARES.map(([, share]) => share);

const GIVEN_CHARS: Record<DemoGender, readonly string[]> = {
  female: [
    ..."婷雅静欣怡雪梦琳佳颖悦晓思雨诗涵嘉妍莹萱蕾芳丽娜敏慧倩洁璐瑶彤可心月艺菲薇琪晴宁馨语桐若安沐芷清灵秀婉舒蓉茜岚珊",
  ],
  male: [
    ..."伟强磊军洋勇杰涛明超浩宇轩博文俊鹏辉阳晨昊然子凯泽睿航毅哲翔志天一帆逸铭峰斌健宏远嘉诚骏朗坤锐钧泓霖",
  ],
};
// Reduplicated given names (婷婷, 晶晶) are common for women born in the 1990s and 2000s.
const REDUPLICATED_FEMALE = [..."婷晶欣悦媛丹倩萌"];

/**
 * A realistic, made-up Chinese name: a surname drawn by real frequency and a one- or
 * two-character given name from gender-appropriate characters. Chinese characters only.
 */
export function generateChineseName(rng: Rng, gender: DemoGender): ChineseName {
  const surname = rng.weightedPick(SURNAMES, SURNAME_WEIGHTS);
  const chars = GIVEN_CHARS[gender];
  let givenName: string;
  const shape = rng.next();
  if (shape < 0.18) {
    givenName = rng.pick(chars);
  } else if (gender === "female" && shape < 0.23) {
    const c = rng.pick(REDUPLICATED_FEMALE);
    givenName = c + c;
  } else {
    const first = rng.pick(chars);
    let second = rng.pick(chars);
    while (second === first) second = rng.pick(chars);
    givenName = first + second;
  }
  return { surname, givenName, fullName: surname + givenName };
}
