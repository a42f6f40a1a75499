-- planlib, for pandoc's docx writer only.
-- Chinese has no italic: *强调* becomes bold, as in the PDF and the HTML page.
-- Tables and figures are numbered as in the PDF (表 1, 图 1; each kind on its own), in their captions:
-- pandoc's own numbering would write the English "Table 1:", having no Chinese translation.
local tables, figures = 0, 0

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
