package com.onbonbx.dual;
import java.awt.image.BufferedImage;
public class Oracle {
    static String hex(byte[] b) { StringBuilder s = new StringBuilder(); for (byte x : b) s.append(String.format("%02x", x & 0xff)); return s.toString(); }
    static BufferedImage img(int w, int h) {
        BufferedImage im = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) {
            int r = (x * 16) & 0xff, g = (y * 32) & 0xff, b = ((x + y) * 8) & 0xff;
            im.setRGB(x, y, (r << 16) | (g << 8) | b);
        }
        return im;
    }
    static BufferedImage escapey() {
        // every pixel byte is one of the four escaped values
        int[] px = {0xa55aa6, 0x5ba5a5, 0x5a5a5b, 0xa6a65a, 0x5ba6a5, 0xa55b5a, 0x5aa6a6, 0xa5a55b};
        BufferedImage im = new BufferedImage(4, 2, BufferedImage.TYPE_INT_RGB);
        for (int i = 0; i < 8; i++) im.setRGB(i % 4, i / 4, px[i]);
        return im;
    }
    static void emit(String name, BxReq req) {
        System.out.println(name + " = " + hex(req.pack()));
    }
    public static void main(String[] a) {
        // 1: 16x8 RGB gradient, area 0 at (0,0), vendor App.java settings (related to program 0)
        BxAreaDynamic area = new BxAreaDynamic(0, 0, 0, 16, 8);
        area.clearAttachedProList(); area.attachToProgram(0); area.setAttachToAllPro(false);
        area.addPage(new BxPageBmp(img(16, 8)));
        emit("rgb16x8", new BxReqSendDynArea(area));
        // 2: delete all dynamic areas
        emit("delall", new BxReqDelDynAll());
        // 3: 4x2 page at x=0x5A, y=0xA5: header fields and pixels need escaping
        BxAreaDynamic e = new BxAreaDynamic(1, 0x5a, 0xa5, 4, 2);
        e.setRunMode((byte)0); e.setStopProToPlay(true);
        BxPageBmp p = new BxPageBmp(escapey()); p.setDispMode((byte)1); p.setHoldTime((short)0x5aa5);
        e.addPage(p);
        emit("escape4x2", new BxReqSendDynArea(e));
    }
}
