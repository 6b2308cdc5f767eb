// Data for the traffic simulator: what a Jinhua-zone platform sells (bonded imports through
// 金义综合保税区, 9610 exports of the county clusters), who buys it and where it goes. Invented
// brands and shops; prices are plausible shelf prices, not market data. Codes are real: customs
// 3-digit countries/currencies (src/kernel/codes), JGS-20 units, GB/T 2260 district codes.

/** A product sold as a bonded retail import (1210). Prices are the shop's RMB shelf price in fen. */
export interface ImportProduct {
  readonly sku: string;
  /** Chinese selling name (CEB311 itemName). */
  readonly name: string;
  readonly brand: string;
  /** Size per selling unit, as printed (goes into gmodel). */
  readonly spec: string;
  readonly ingredients: string;
  readonly use: string;
  readonly category: 'cosmetics' | 'formula' | 'health' | 'food';
  /** JGS-20 unit of the selling unit. */
  readonly unit: string;
  readonly priceFen: number;
  /** Country of origin, customs 3-digit code. */
  readonly origin: string;
  /** GS1 prefix of the origin (the barcode is built from it). */
  readonly gs1: string;
  readonly grossGrams: number;
  /** Statutory VAT rate as an exact decimal. 9 % for the agricultural products and edible oils [M: verify per HS line]. */
  readonly vat: '0.13' | '0.09';
  /**
   * Content per selling unit, for the 高档化妆品 test (cosmetics only): millilitres or grams, or
   * pieces for sheet masks. Consumption tax applies at ≥ 10 元/ml(g) or ≥ 15 元/片(张).
   */
  readonly content?: { readonly amount: string; readonly per: 'ml' | 'g' | 'piece' };
  /** Relative popularity. */
  readonly weight: number;
  readonly maxQty: number;
}

export const IMPORT_PRODUCTS: readonly ImportProduct[] = [
  // Cosmetics: mostly ordinary; the serum, the velvet lipstick, the eye cream and the premium
  // mask are 高档 by their price per ml/g/piece (a minority of the volume, as in real shops).
  { sku: 'JY-CS-0101', name: '保湿面霜', brand: 'Aurélie Paris', spec: '50g/瓶', ingredients: '水、甘油、角鲨烷、神经酰胺', use: '面部保湿', category: 'cosmetics', unit: '142', priceFen: 25800, origin: '305', gs1: '37', grossGrams: 180, vat: '0.13', content: { amount: '50', per: 'g' }, weight: 10, maxQty: 2 },
  { sku: 'JY-CS-0102', name: '修护精华液', brand: 'Aurélie Paris', spec: '30ml/瓶', ingredients: '水、二裂酵母发酵产物溶胞物、烟酰胺', use: '面部修护', category: 'cosmetics', unit: '142', priceFen: 68000, origin: '305', gs1: '37', grossGrams: 150, vat: '0.13', content: { amount: '30', per: 'ml' }, weight: 3, maxQty: 2 },
  { sku: 'JY-CS-0103', name: '滋润唇膏', brand: 'Seoul Petal', spec: '3.5g/支', ingredients: '蜂蜡、乳木果油、维生素E', use: '唇部护理', category: 'cosmetics', unit: '012', priceFen: 2990, origin: '133', gs1: '880', grossGrams: 30, vat: '0.13', content: { amount: '3.5', per: 'g' }, weight: 8, maxQty: 3 },
  { sku: 'JY-CS-0104', name: '丝绒哑光口红', brand: 'Maison Vermeil', spec: '3.4g/支', ingredients: '聚二甲基硅氧烷、合成蜡、色粉', use: '唇部彩妆', category: 'cosmetics', unit: '012', priceFen: 32000, origin: '305', gs1: '37', grossGrams: 45, vat: '0.13', content: { amount: '3.4', per: 'g' }, weight: 2, maxQty: 2 },
  { sku: 'JY-CS-0105', name: '清爽防晒乳SPF50+ PA++++', brand: 'Hinode Lab', spec: '60ml/瓶', ingredients: '水、甲氧基肉桂酸乙基己酯、氧化锌', use: '面部及身体防晒', category: 'cosmetics', unit: '142', priceFen: 16800, origin: '116', gs1: '49', grossGrams: 90, vat: '0.13', content: { amount: '60', per: 'ml' }, weight: 9, maxQty: 3 },
  { sku: 'JY-CS-0106', name: '户外防晒霜SPF50', brand: 'Coral Coast', spec: '110ml/支', ingredients: '水、胡莫柳酯、二氧化钛', use: '身体防晒', category: 'cosmetics', unit: '012', priceFen: 12900, origin: '601', gs1: '93', grossGrams: 140, vat: '0.13', content: { amount: '110', per: 'ml' }, weight: 6, maxQty: 3 },
  { sku: 'JY-CS-0107', name: '氨基酸洁面乳', brand: 'Hinode Lab', spec: '120g/支', ingredients: '水、月桂酰谷氨酸钠、甘油', use: '面部清洁', category: 'cosmetics', unit: '012', priceFen: 8900, origin: '116', gs1: '45', grossGrams: 150, vat: '0.13', content: { amount: '120', per: 'g' }, weight: 8, maxQty: 3 },
  { sku: 'JY-CS-0108', name: '玻尿酸补水面膜', brand: 'Seoul Petal', spec: '10片/盒', ingredients: '水、透明质酸钠、丁二醇', use: '面部补水', category: 'cosmetics', unit: '140', priceFen: 9900, origin: '133', gs1: '880', grossGrams: 320, vat: '0.13', content: { amount: '10', per: 'piece' }, weight: 8, maxQty: 3 },
  { sku: 'JY-CS-0109', name: '紧致眼霜', brand: 'Northfield Skin', spec: '15ml/瓶', ingredients: '水、视黄醇棕榈酸酯、咖啡因', use: '眼部护理', category: 'cosmetics', unit: '142', priceFen: 42000, origin: '502', gs1: '0', grossGrams: 80, vat: '0.13', content: { amount: '15', per: 'ml' }, weight: 2, maxQty: 2 },
  { sku: 'JY-CS-0110', name: '玻尿酸精华水', brand: 'Seoul Petal', spec: '150ml/瓶', ingredients: '水、透明质酸钠、泛醇', use: '面部保湿', category: 'cosmetics', unit: '142', priceFen: 19800, origin: '133', gs1: '880', grossGrams: 260, vat: '0.13', content: { amount: '150', per: 'ml' }, weight: 6, maxQty: 2 },
  { sku: 'JY-CS-0111', name: '燕麦身体乳', brand: 'Hautwerk', spec: '400ml/瓶', ingredients: '水、燕麦仁提取物、甘油', use: '身体保湿', category: 'cosmetics', unit: '142', priceFen: 7900, origin: '304', gs1: '40', grossGrams: 470, vat: '0.13', content: { amount: '400', per: 'ml' }, weight: 6, maxQty: 3 },
  { sku: 'JY-CS-0112', name: '蚕丝精华面膜', brand: 'Maison Vermeil', spec: '5片/盒', ingredients: '水、水解蚕丝蛋白、积雪草提取物', use: '面部修护', category: 'cosmetics', unit: '140', priceFen: 39800, origin: '305', gs1: '37', grossGrams: 200, vat: '0.13', content: { amount: '5', per: 'piece' }, weight: 1, maxQty: 2 },
  // Infant formula: 13 % VAT, no consumption tax; usually bought by the can, several at once.
  { sku: 'JY-MB-0201', name: '婴儿配方奶粉1段', brand: 'Holland Dairy', spec: '800g/罐 0-6月龄', ingredients: '乳糖、脱脂乳、植物油、乳清蛋白粉', use: '婴儿食用', category: 'formula', unit: '122', priceFen: 23800, origin: '309', gs1: '87', grossGrams: 1050, vat: '0.13', weight: 7, maxQty: 6 },
  { sku: 'JY-MB-0202', name: '较大婴儿配方奶粉2段', brand: 'Emerald Farms', spec: '800g/罐 6-12月龄', ingredients: '脱脂乳、乳糖、植物油、低聚半乳糖', use: '较大婴儿食用', category: 'formula', unit: '122', priceFen: 22800, origin: '306', gs1: '539', grossGrams: 1050, vat: '0.13', weight: 6, maxQty: 6 },
  { sku: 'JY-MB-0203', name: '幼儿配方奶粉3段', brand: 'Southern Alps', spec: '900g/罐 12-36月龄', ingredients: '全脂乳粉、乳糖、乳清粉、DHA藻油', use: '幼儿食用', category: 'formula', unit: '122', priceFen: 21800, origin: '609', gs1: '94', grossGrams: 1150, vat: '0.13', weight: 6, maxQty: 6 },
  { sku: 'JY-MB-0204', name: '幼儿配方羊奶粉3段', brand: 'Southern Alps', spec: '800g/罐 12-36月龄', ingredients: '全脂羊乳粉、乳糖、植物油', use: '幼儿食用', category: 'formula', unit: '122', priceFen: 29800, origin: '609', gs1: '94', grossGrams: 1050, vat: '0.13', weight: 3, maxQty: 4 },
  { sku: 'JY-MB-0205', name: '婴儿配方奶粉Pre段', brand: 'Alpenmilch', spec: '600g/盒 0-6月龄', ingredients: '脱脂乳、乳清浓缩物、植物油', use: '婴儿食用', category: 'formula', unit: '140', priceFen: 17900, origin: '304', gs1: '40', grossGrams: 720, vat: '0.13', weight: 4, maxQty: 6 },
  // Health food (保健食品 on the positive list): 13 % VAT.
  { sku: 'JY-BJ-0301', name: '深海鱼油软胶囊', brand: 'Coral Coast', spec: '1000mg*200粒/瓶', ingredients: '鱼油、明胶、甘油', use: '膳食补充', category: 'health', unit: '142', priceFen: 15800, origin: '601', gs1: '93', grossGrams: 380, vat: '0.13', weight: 6, maxQty: 3 },
  { sku: 'JY-BJ-0302', name: '维生素C咀嚼片', brand: 'Northfield Health', spec: '500mg*60片/瓶', ingredients: '维生素C、山梨糖醇、天然橙味香料', use: '膳食补充', category: 'health', unit: '142', priceFen: 8900, origin: '502', gs1: '0', grossGrams: 150, vat: '0.13', weight: 5, maxQty: 3 },
  { sku: 'JY-BJ-0303', name: '益生菌胶囊', brand: 'Northfield Health', spec: '30粒/瓶', ingredients: '嗜酸乳杆菌、双歧杆菌、菊粉', use: '膳食补充', category: 'health', unit: '142', priceFen: 23900, origin: '502', gs1: '0', grossGrams: 90, vat: '0.13', weight: 4, maxQty: 2 },
  { sku: 'JY-BJ-0304', name: '叶黄素酯软胶囊', brand: 'Northfield Health', spec: '20mg*60粒/瓶', ingredients: '叶黄素酯、红花籽油、明胶', use: '膳食补充', category: 'health', unit: '142', priceFen: 9800, origin: '502', gs1: '0', grossGrams: 110, vat: '0.13', weight: 3, maxQty: 3 },
  { sku: 'JY-BJ-0305', name: '钙+维生素D3片', brand: 'Coral Coast', spec: '120片/瓶', ingredients: '碳酸钙、维生素D3、微晶纤维素', use: '膳食补充', category: 'health', unit: '142', priceFen: 11900, origin: '601', gs1: '93', grossGrams: 260, vat: '0.13', weight: 4, maxQty: 3 },
  // Food at 9 %: natural honey and edible vegetable oil are 农产品/食用植物油 [M: verify against the tariff].
  { sku: 'JY-SP-0401', name: '麦卢卡蜂蜜UMF10+', brand: 'Southern Alps', spec: '250g/瓶', ingredients: '麦卢卡蜂蜜', use: '食用', category: 'food', unit: '142', priceFen: 26800, origin: '609', gs1: '94', grossGrams: 420, vat: '0.09', weight: 3, maxQty: 3 },
  { sku: 'JY-SP-0402', name: '特级初榨橄榄油', brand: 'Olivar del Sur', spec: '500ml/瓶', ingredients: '特级初榨橄榄油', use: '食用', category: 'food', unit: '142', priceFen: 8800, origin: '312', gs1: '84', grossGrams: 820, vat: '0.09', weight: 2, maxQty: 4 },
];

/** A 9610 export product of the Jinhua clusters. Base price in US cents; shops price per market. */
export interface ExportProduct {
  readonly sku: string;
  /** Chinese name of the kind of goods (CEB303 itemName). */
  readonly name: string;
  /** Listing title on the foreign marketplace (CEB303 itemDescribe). */
  readonly title: string;
  /** The zone's industry cluster that makes it (registry cluster codes, src/zone/profiles.ts). */
  readonly cluster: 'yiwu-commodities' | 'yongkang-hardware' | 'wuyi-tools' | 'pujiang-crystal';
  readonly unit: string;
  readonly usdCents: number;
  readonly grossGrams: number;
  readonly weight: number;
  readonly maxQty: number;
}

export const EXPORT_PRODUCTS: readonly ExportProduct[] = [
  // 义乌小商品: jewellery (crystal from 浦江), toys, Christmas decorations, stationery.
  { sku: 'YW-JW-1001', name: '合金镶钻耳环', title: 'Rhinestone Drop Earrings, Alloy, Gold Tone', cluster: 'yiwu-commodities', unit: '026', usdCents: 299, grossGrams: 20, weight: 8, maxQty: 6 },
  { sku: 'YW-JW-1002', name: '水晶串珠手链', title: 'Crystal Beaded Bracelet, Elastic', cluster: 'pujiang-crystal', unit: '015', usdCents: 450, grossGrams: 25, weight: 6, maxQty: 6 },
  { sku: 'YW-JW-1003', name: '不锈钢吊坠项链', title: 'Stainless Steel Pendant Necklace 45cm', cluster: 'yiwu-commodities', unit: '015', usdCents: 680, grossGrams: 30, weight: 5, maxQty: 4 },
  { sku: 'YW-TY-1101', name: '毛绒玩具熊', title: 'Plush Teddy Bear 30cm', cluster: 'yiwu-commodities', unit: '007', usdCents: 899, grossGrams: 260, weight: 6, maxQty: 3 },
  { sku: 'YW-TY-1102', name: '儿童拼插积木套装', title: 'Building Blocks Set 520 pcs', cluster: 'yiwu-commodities', unit: '006', usdCents: 1250, grossGrams: 780, weight: 5, maxQty: 2 },
  { sku: 'YW-TY-1103', name: '遥控越野玩具车', title: 'RC Off-road Car 1:16, 2.4 GHz', cluster: 'yiwu-commodities', unit: '007', usdCents: 1990, grossGrams: 950, weight: 3, maxQty: 2 },
  { sku: 'YW-XM-1201', name: '圣诞树挂饰球套装', title: 'Christmas Tree Baubles Set, 24 pcs', cluster: 'yiwu-commodities', unit: '006', usdCents: 799, grossGrams: 540, weight: 6, maxQty: 3 },
  { sku: 'YW-XM-1202', name: 'LED圣诞彩灯串', title: 'LED Fairy String Lights 10 m, Warm White', cluster: 'yiwu-commodities', unit: '015', usdCents: 549, grossGrams: 210, weight: 7, maxQty: 4 },
  { sku: 'YW-XM-1203', name: '圣诞帽', title: 'Santa Hat, Plush Trim', cluster: 'yiwu-commodities', unit: '007', usdCents: 129, grossGrams: 60, weight: 5, maxQty: 10 },
  { sku: 'YW-ST-1301', name: '中性笔', title: 'Gel Pens 0.5 mm, 12-Pack', cluster: 'yiwu-commodities', unit: '140', usdCents: 299, grossGrams: 140, weight: 5, maxQty: 5 },
  { sku: 'YW-ST-1302', name: 'A5线装笔记本', title: 'A5 Notebook, Dotted, 160 Pages', cluster: 'yiwu-commodities', unit: '011', usdCents: 320, grossGrams: 280, weight: 4, maxQty: 5 },
  { sku: 'YW-ST-1303', name: '学生文具套装', title: 'Stationery Set for Kids, 18 pcs', cluster: 'yiwu-commodities', unit: '006', usdCents: 650, grossGrams: 420, weight: 3, maxQty: 3 },
  // 武义 power tools, 永康 hand tools.
  { sku: 'YK-PT-2001', name: '锂电冲击钻', title: '20V Cordless Impact Drill with 2 Batteries', cluster: 'wuyi-tools', unit: '001', usdCents: 4500, grossGrams: 2600, weight: 4, maxQty: 1 },
  { sku: 'YK-PT-2002', name: '电动螺丝刀', title: 'Cordless Electric Screwdriver 3.6V, USB', cluster: 'wuyi-tools', unit: '001', usdCents: 2500, grossGrams: 720, weight: 4, maxQty: 2 },
  { sku: 'YK-HT-2101', name: '活动扳手', title: 'Adjustable Wrench 8 in, Cr-V', cluster: 'yongkang-hardware', unit: '016', usdCents: 480, grossGrams: 230, weight: 5, maxQty: 4 },
  { sku: 'YK-HT-2102', name: '套筒扳手组套', title: 'Socket Wrench Set 46 pcs, 1/4 in Drive', cluster: 'yongkang-hardware', unit: '006', usdCents: 1890, grossGrams: 1700, weight: 4, maxQty: 2 },
  { sku: 'YK-HT-2103', name: '家用五金工具箱套装', title: 'Household Tool Kit 108 pcs with Case', cluster: 'yongkang-hardware', unit: '006', usdCents: 2990, grossGrams: 3200, weight: 3, maxQty: 1 },
  // 永康 garden tools.
  { sku: 'YK-GD-2201', name: '园艺修枝剪', title: 'Bypass Pruning Shears, SK5 Blade', cluster: 'yongkang-hardware', unit: '016', usdCents: 650, grossGrams: 260, weight: 4, maxQty: 3 },
  { sku: 'YK-GD-2202', name: '园艺手套', title: 'Garden Gloves, Nitrile Coated', cluster: 'yongkang-hardware', unit: '025', usdCents: 210, grossGrams: 70, weight: 4, maxQty: 6 },
  { sku: 'YK-GD-2203', name: '伸缩花园水管', title: 'Expandable Garden Hose 15 m with Spray Nozzle', cluster: 'yongkang-hardware', unit: '015', usdCents: 1490, grossGrams: 980, weight: 3, maxQty: 2 },
  { sku: 'YK-GD-2204', name: '园艺铲三件套', title: 'Garden Hand Tool Set, 3 pcs', cluster: 'yongkang-hardware', unit: '006', usdCents: 720, grossGrams: 650, weight: 3, maxQty: 2 },
  // 义乌 bags and luggage.
  { sku: 'YW-BG-3001', name: '拉杆登机箱', title: 'Carry-on Spinner Luggage 20 in, ABS', cluster: 'yiwu-commodities', unit: '007', usdCents: 3900, grossGrams: 3400, weight: 3, maxQty: 1 },
  { sku: 'YW-BG-3002', name: '双肩背包', title: 'Laptop Backpack, Water Resistant', cluster: 'yiwu-commodities', unit: '007', usdCents: 1280, grossGrams: 720, weight: 4, maxQty: 2 },
  { sku: 'YW-BG-3003', name: '帆布托特包', title: 'Canvas Tote Bag, Natural', cluster: 'yiwu-commodities', unit: '007', usdCents: 350, grossGrams: 180, weight: 4, maxQty: 4 },
  { sku: 'YW-BG-3004', name: '化妆包', title: 'Travel Cosmetic Bag, PU', cluster: 'yiwu-commodities', unit: '007', usdCents: 240, grossGrams: 110, weight: 4, maxQty: 4 },
];

/** A destination market: customs country and currency codes, buyers' names and cities. */
export interface Destination {
  readonly iso2: string;
  readonly country: string;
  /**
   * Customs currency the shop prices in. PLN, VND, IDR, NGN, KES, ZAR and EGP are not in our
   * (partial) currency table, and marketplaces there commonly settle in EUR/USD: those use 300/502.
   */
  readonly currency: string;
  /** Units of the currency per US dollar, an illustrative fixed rate (exact decimal). */
  readonly perUsd: string;
  readonly cities: readonly string[];
  readonly first: readonly string[];
  readonly last: readonly string[];
  readonly weight: number;
}

const EU_FIRST = ['Anna', 'Lukas', 'Marie', 'Jonas', 'Sofia', 'Leon'];
export const DESTINATIONS: readonly Destination[] = [
  { iso2: 'DE', country: '304', currency: '300', perUsd: '0.92', cities: ['Berlin', 'Hamburg', 'München', 'Köln', 'Leipzig'], first: [...EU_FIRST, 'Felix', 'Hannah'], last: ['Müller', 'Schmidt', 'Schneider', 'Fischer', 'Weber', 'Wagner'], weight: 12 },
  { iso2: 'GB', country: '303', currency: '303', perUsd: '0.79', cities: ['London', 'Manchester', 'Birmingham', 'Leeds', 'Glasgow'], first: ['Oliver', 'Amelia', 'George', 'Isla', 'Harry', 'Ava'], last: ['Smith', 'Jones', 'Taylor', 'Brown', 'Williams', 'Wilson'], weight: 10 },
  { iso2: 'FR', country: '305', currency: '300', perUsd: '0.92', cities: ['Paris', 'Lyon', 'Marseille', 'Toulouse', 'Lille'], first: ['Camille', 'Louis', 'Léa', 'Gabriel', 'Chloé', 'Hugo'], last: ['Martin', 'Bernard', 'Dubois', 'Thomas', 'Robert', 'Petit'], weight: 8 },
  { iso2: 'ES', country: '312', currency: '300', perUsd: '0.92', cities: ['Madrid', 'Barcelona', 'Valencia', 'Sevilla', 'Bilbao'], first: ['Lucía', 'Hugo', 'Martina', 'Pablo', 'Paula', 'Daniel'], last: ['García', 'Fernández', 'González', 'Rodríguez', 'López', 'Martínez'], weight: 6 },
  { iso2: 'IT', country: '307', currency: '300', perUsd: '0.92', cities: ['Roma', 'Milano', 'Napoli', 'Torino', 'Bologna'], first: ['Giulia', 'Leonardo', 'Sofia', 'Francesco', 'Aurora', 'Alessandro'], last: ['Rossi', 'Russo', 'Ferrari', 'Esposito', 'Bianchi', 'Romano'], weight: 6 },
  { iso2: 'PL', country: '327', currency: '300', perUsd: '0.92', cities: ['Warszawa', 'Kraków', 'Wrocław', 'Gdańsk', 'Poznań'], first: ['Jakub', 'Zuzanna', 'Antoni', 'Julia', 'Jan', 'Maja'], last: ['Nowak', 'Kowalski', 'Wiśniewski', 'Wójcik', 'Kamiński', 'Lewandowski'], weight: 4 },
  { iso2: 'US', country: '502', currency: '502', perUsd: '1', cities: ['Los Angeles', 'Houston', 'New York', 'Chicago', 'Phoenix', 'Seattle'], first: ['Emily', 'James', 'Olivia', 'Michael', 'Emma', 'Daniel'], last: ['Johnson', 'Smith', 'Williams', 'Brown', 'Davis', 'Miller'], weight: 20 },
  { iso2: 'SG', country: '132', currency: '132', perUsd: '1.35', cities: ['Singapore'], first: ['Wei Ming', 'Hui Min', 'Jun Jie', 'Siti', 'Priya'], last: ['Tan', 'Lim', 'Lee', 'Ng', 'Wong'], weight: 4 },
  { iso2: 'MY', country: '122', currency: '122', perUsd: '4.50', cities: ['Kuala Lumpur', 'Penang', 'Johor Bahru', 'Ipoh'], first: ['Nur Aisyah', 'Muhammad Adam', 'Mei Ling', 'Arjun'], last: ['Abdullah', 'Ismail', 'Tan', 'Raj'], weight: 4 },
  { iso2: 'TH', country: '136', currency: '136', perUsd: '35', cities: ['Bangkok', 'Chiang Mai', 'Phuket', 'Khon Kaen'], first: ['Somchai', 'Malee', 'Niran', 'Ploy'], last: ['Saetang', 'Srisuk', 'Wongsawat', 'Chaiyaporn'], weight: 4 },
  { iso2: 'VN', country: '141', currency: '502', perUsd: '1', cities: ['Hà Nội', 'Hồ Chí Minh', 'Đà Nẵng', 'Hải Phòng'], first: ['Văn An', 'Thị Lan', 'Minh Tuấn', 'Thu Hà'], last: ['Nguyễn', 'Trần', 'Lê', 'Phạm'], weight: 4 },
  { iso2: 'ID', country: '112', currency: '502', perUsd: '1', cities: ['Jakarta', 'Surabaya', 'Bandung', 'Medan'], first: ['Putri', 'Budi', 'Siti', 'Agus'], last: ['Santoso', 'Wijaya', 'Saputra', 'Hidayat'], weight: 4 },
  { iso2: 'PH', country: '129', currency: '129', perUsd: '57', cities: ['Manila', 'Quezon City', 'Cebu City', 'Davao City'], first: ['Maria', 'Jose', 'Angel', 'Mark'], last: ['Santos', 'Reyes', 'Cruz', 'Bautista'], weight: 3 },
  { iso2: 'NG', country: '236', currency: '502', perUsd: '1', cities: ['Lagos', 'Abuja', 'Kano', 'Port Harcourt'], first: ['Chinedu', 'Ngozi', 'Emeka', 'Aisha'], last: ['Okafor', 'Adeyemi', 'Okonkwo', 'Bello'], weight: 3 },
  { iso2: 'KE', country: '224', currency: '502', perUsd: '1', cities: ['Nairobi', 'Mombasa', 'Kisumu'], first: ['Wanjiru', 'Kipchoge', 'Achieng', 'Otieno'], last: ['Kamau', 'Mwangi', 'Odhiambo', 'Kiprotich'], weight: 2 },
  { iso2: 'ZA', country: '244', currency: '502', perUsd: '1', cities: ['Johannesburg', 'Cape Town', 'Durban', 'Pretoria'], first: ['Thabo', 'Lerato', 'Sipho', 'Naledi'], last: ['Nkosi', 'Dlamini', 'Botha', 'Van der Merwe'], weight: 3 },
  { iso2: 'EG', country: '215', currency: '502', perUsd: '1', cities: ['Cairo', 'Alexandria', 'Giza'], first: ['Ahmed', 'Fatma', 'Mohamed', 'Nour'], last: ['Hassan', 'Ibrahim', 'Mahmoud', 'Ali'], weight: 2 },
];

/** Where parcels are delivered in China: GB/T 2260 county-level codes, weighted toward the east coast. */
export interface District {
  readonly code: string;
  /** The address up to the district, as written on a waybill ("浙江省杭州市西湖区"). */
  readonly prefix: string;
  readonly weight: number;
}

export const DISTRICTS: readonly District[] = [
  { code: '110101', prefix: '北京市东城区', weight: 2 },
  { code: '110105', prefix: '北京市朝阳区', weight: 5 },
  { code: '110108', prefix: '北京市海淀区', weight: 4 },
  { code: '310104', prefix: '上海市徐汇区', weight: 3 },
  { code: '310112', prefix: '上海市闵行区', weight: 3 },
  { code: '310115', prefix: '上海市浦东新区', weight: 6 },
  { code: '120104', prefix: '天津市南开区', weight: 2 },
  { code: '500103', prefix: '重庆市渝中区', weight: 1 },
  { code: '500112', prefix: '重庆市渝北区', weight: 2 },
  { code: '440106', prefix: '广东省广州市天河区', weight: 5 },
  { code: '440304', prefix: '广东省深圳市福田区', weight: 4 },
  { code: '440305', prefix: '广东省深圳市南山区', weight: 4 },
  { code: '440604', prefix: '广东省佛山市禅城区', weight: 2 },
  { code: '441900', prefix: '广东省东莞市', weight: 3 },
  { code: '330106', prefix: '浙江省杭州市西湖区', weight: 4 },
  { code: '330108', prefix: '浙江省杭州市滨江区', weight: 3 },
  { code: '330212', prefix: '浙江省宁波市鄞州区', weight: 3 },
  { code: '330302', prefix: '浙江省温州市鹿城区', weight: 2 },
  { code: '330702', prefix: '浙江省金华市婺城区', weight: 2 },
  { code: '330782', prefix: '浙江省金华市义乌市', weight: 3 },
  { code: '320102', prefix: '江苏省南京市玄武区', weight: 2 },
  { code: '320106', prefix: '江苏省南京市鼓楼区', weight: 2 },
  { code: '320506', prefix: '江苏省苏州市吴中区', weight: 2 },
  { code: '320508', prefix: '江苏省苏州市姑苏区', weight: 2 },
  { code: '320213', prefix: '江苏省无锡市梁溪区', weight: 2 },
  { code: '510104', prefix: '四川省成都市锦江区', weight: 2 },
  { code: '510107', prefix: '四川省成都市武侯区', weight: 3 },
  { code: '420103', prefix: '湖北省武汉市江汉区', weight: 1 },
  { code: '420106', prefix: '湖北省武汉市武昌区', weight: 2 },
  { code: '420111', prefix: '湖北省武汉市洪山区', weight: 2 },
  { code: '430102', prefix: '湖南省长沙市芙蓉区', weight: 1 },
  { code: '430104', prefix: '湖南省长沙市岳麓区', weight: 2 },
  { code: '370102', prefix: '山东省济南市历下区', weight: 2 },
  { code: '370202', prefix: '山东省青岛市市南区', weight: 2 },
  { code: '370212', prefix: '山东省青岛市崂山区', weight: 1 },
  { code: '350102', prefix: '福建省福州市鼓楼区', weight: 2 },
  { code: '350203', prefix: '福建省厦门市思明区', weight: 2 },
  { code: '610113', prefix: '陕西省西安市雁塔区', weight: 2 },
  { code: '410105', prefix: '河南省郑州市金水区', weight: 2 },
  { code: '210102', prefix: '辽宁省沈阳市和平区', weight: 1 },
  { code: '210202', prefix: '辽宁省大连市中山区', weight: 1 },
  { code: '230103', prefix: '黑龙江省哈尔滨市南岗区', weight: 1 },
  { code: '220104', prefix: '吉林省长春市朝阳区', weight: 1 },
  { code: '340104', prefix: '安徽省合肥市蜀山区', weight: 2 },
  { code: '360102', prefix: '江西省南昌市东湖区', weight: 1 },
  { code: '530102', prefix: '云南省昆明市五华区', weight: 1 },
  { code: '450103', prefix: '广西壮族自治区南宁市青秀区', weight: 1 },
  { code: '130102', prefix: '河北省石家庄市长安区', weight: 1 },
  { code: '140105', prefix: '山西省太原市小店区', weight: 1 },
  { code: '520102', prefix: '贵州省贵阳市南明区', weight: 1 },
  { code: '460106', prefix: '海南省海口市龙华区', weight: 1 },
  { code: '620102', prefix: '甘肃省兰州市城关区', weight: 1 },
  { code: '650102', prefix: '新疆维吾尔自治区乌鲁木齐市天山区', weight: 1 },
  { code: '150105', prefix: '内蒙古自治区呼和浩特市赛罕区', weight: 1 },
  { code: '640104', prefix: '宁夏回族自治区银川市兴庆区', weight: 1 },
  { code: '630103', prefix: '青海省西宁市城中区', weight: 1 },
  { code: '540102', prefix: '西藏自治区拉萨市城关区', weight: 1 },
];

export const STREETS: readonly string[] = [
  '人民路', '中山路', '解放路', '建设路', '文化路', '和平路', '新华路', '长江路', '黄河路', '滨江大道',
  '学院路', '科技路', '青年路', '东风路', '胜利路', '光明路', '幸福路', '迎宾大道', '花园路', '南京路',
];

export const ESTATES: readonly string[] = [
  '阳光花园', '锦绣家园', '翠苑小区', '金色家园', '绿城桂花园', '万科城市花园', '碧桂园', '御景湾',
  '世纪新城', '紫金公寓', '海棠苑', '星河湾', '龙湖春江郦城', '保利香槟国际', '丽景华庭', '滨湖天地',
];

/** The most common surnames (two compound ones, rarely). */
export const SURNAMES: readonly string[] = [
  '王', '李', '张', '刘', '陈', '杨', '黄', '赵', '吴', '周', '徐', '孙', '马', '朱', '胡', '郭', '何', '林',
  '罗', '高', '郑', '梁', '谢', '宋', '唐', '许', '韩', '冯', '邓', '曹', '彭', '曾', '肖', '田', '董', '潘',
  '袁', '蔡', '蒋', '余', '于', '杜', '叶', '程', '魏', '苏', '吕', '丁', '任', '沈', '姚', '卢', '傅', '钟',
  '姜', '崔', '谭', '廖', '范', '汪', '陆', '金', '石', '戴', '贾', '韦', '夏', '邱', '方', '侯', '邹', '熊',
  '孟', '秦', '白', '江', '薛', '尹', '段', '雷', '黎', '史', '龙', '陶', '贺', '顾', '毛', '郝', '龚', '邵',
  '欧阳', '上官',
];

export const GIVEN_FEMALE: readonly string[] = [
  '婷', '静', '丽', '敏', '燕', '娟', '霞', '芳', '欣', '怡', '雪', '琳', '颖', '佳', '蕾', '思', '雨', '涵',
  '萱', '梦', '晓', '倩', '玲', '慧', '悦', '洁', '楠', '瑶', '诗', '月',
];

export const GIVEN_MALE: readonly string[] = [
  '伟', '强', '磊', '军', '勇', '杰', '涛', '斌', '超', '明', '刚', '平', '辉', '鹏', '华', '飞', '鑫', '波',
  '宇', '浩', '凯', '俊', '帆', '健', '博', '轩', '哲', '晨', '阳', '峰',
];

/** Mobile number prefixes of the three operators (MIIT numbering plan). */
export const MOBILE_PREFIXES: readonly string[] = [
  '134', '135', '136', '137', '138', '139', '147', '150', '151', '152', '157', '158', '159', '178', '182',
  '183', '184', '187', '188', '198', '130', '131', '132', '155', '156', '166', '175', '176', '185', '186',
  '133', '149', '153', '173', '177', '180', '181', '189', '199',
];
