-- planlib, for pandoc's docx writer only.
-- Chinese has no italic: *强调* becomes bold, as in the PDF and the HTML page.
-- Headings are numbered as in the PDF: 一、 （一） 1. (Chinese official documents), in the heading's text.
-- Tables and figures are numbered as in the PDF (表 1, 图 1; each kind on its own), in their captions:
-- pandoc's own numbering would write the English "Table 1:", having no Chinese translation.
local tables, figures = 0, 0
local counts = { 0, 0, 0, 0, 0, 0 }
local DIGITS = { "一", "二", "三", "四", "五", "六", "七", "八", "九" }

-- 1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 35 → 三十五 (headings never reach a hundred)
local function chinese(n)
  if n < 10 then
    return DIGITS[n]
  end
  local tens, ones = n // 10, n % 10
  return (tens > 1 and DIGITS[tens] or "") .. "十" .. (ones > 0 and DIGITS[ones] or "")
end

local function prefix(caption, label)
  local first = caption.long[1]
  local label_inlines = { pandoc.Str(label), pandoc.Str("\u{3000}") }
  if first and (first.t == "Plain" or first.t == "Para") then
    first.content = label_inlines .. first.content
  else
    caption.long:insert(1, pandoc.Plain(label_inlines))
  end
  return caption
end

return {
  {
    Emph = function(el)
      return pandoc.Strong(el.content)
    end,
  },
  {
    Header = function(el)
      if el.classes:includes("unnumbered") then
        return el
      end
      local level = math.min(el.level, #counts)
      counts[level] = counts[level] + 1
      for deeper = level + 1, #counts do
        counts[deeper] = 0
      end
      local n = counts[level]
      local label = level == 1 and chinese(n) .. "、" or level == 2 and "（" .. chinese(n) .. "）" or n .. ". "
      el.content:insert(1, pandoc.Str(label))
      return el
    end,
    Table = function(el)
      tables = tables + 1
      el.caption = prefix(el.caption, "表 " .. tables)
      return el
    end,
    Figure = function(el)
      figures = figures + 1
      el.caption = prefix(el.caption, "图 " .. figures)
      return el
    end,
  },
}
