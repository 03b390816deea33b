import type { ThemeConfig } from "antd";

/**
 * Siyu's tea green: dark enough for white button text to pass WCAG AA (≈5.3:1),
 * close enough to matcha to read as a tea brand.
 */
export const TEA_GREEN = "#3a7a4e";

export const SIDER_WIDTH = 220;

export const siyuTheme: ThemeConfig = {
  cssVar: true,
  token: {
    colorPrimary: TEA_GREEN,
    colorLink: TEA_GREEN,
    colorSuccess: "#52a35a",
    borderRadius: 6,
    colorBgLayout: "#f5f7f4",
    fontFamily:
      '-apple-system, BlinkMacSystemFont, "Segoe UI", "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans CJK SC", "Helvetica Neue", Arial, sans-serif',
  },
  components: {
    Layout: {
      headerBg: "#ffffff",
      siderBg: "#ffffff",
      headerPadding: "0 24px",
      headerHeight: 56,
    },
    Menu: {
      itemSelectedBg: "#e8f1ea",
      itemSelectedColor: TEA_GREEN,
    },
  },
};
