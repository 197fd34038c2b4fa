"""What identity tells new cadres and administrators: one message, one next step each."""

CADRE_STEPS = "下一步：① 在你的青年群里发 /绑定本群 ② 请群友发 /加入 ③ 发 /联系人 看进度（现在 {confirmed}/{target}）"

APPROVED = (
    "你的团干部注册申请 {application} 通过了！实名身份：{real_name}，团干部编号 {number}。\n" + CADRE_STEPS
)
REJECTED = "你的团干部注册申请 {application} 没有通过，理由：{reason}。有疑问请找“{org}”的管理员；改好后可以再发 /注册。"
NEW_APPLICATION = (
    "新的团干部注册申请 {application}：{real_name}，{category}，QQ {qq}。\n"
    "通过发 /审核 {number} 通过；驳回发 /审核 {number} 驳回 <理由>"
)
ROSTER_CADRE = (
    "【联青】你好，{real_name}！你已在团干部名册中，团干部编号 {number}，联系目标 {target} 名青年。\n" + CADRE_STEPS
)
ROSTER_ADMIN = (
    "【联青】你好！你已是“{org}”的管理员。\n"
    "下一步：发 /联系概况 看所辖团干部联系青年的情况；/审核 处理注册申请；/登录 打开管理后台。"
)
