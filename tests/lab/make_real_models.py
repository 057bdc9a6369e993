# The models of issue 16, scripted with torch.jit.script into the current folder (run from a file:
# torch.jit.script reads the classes' source). torchvision 0.14, weights=None.
import sys
import torch, torch.nn as nn, torchvision

def save(model, name):
    torch.jit.script(model).save(name)

class Tagger(nn.Module):  # Embedding + LSTM + Linear
    def __init__(self):
        super().__init__()
        self.embed = nn.Embedding(1000, 32)
        self.lstm = nn.LSTM(32, 48, batch_first=True)
        self.head = nn.Linear(48, 5)
    def forward(self, x):
        h, _ = self.lstm(self.embed(x))
        return self.head(h[:, -1])

class Scaled(nn.Module):  # a parameter no rule names (a layer scale)
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(16, 16)
        self.gamma = nn.Parameter(torch.full((16,), 0.1))
    def forward(self, x):
        return self.fc(x) * self.gamma

class Depthwise(nn.Module):  # torchvision's MobileNet init: kaiming_normal_(mode="fan_out") on a depthwise conv
    def __init__(self):
        super().__init__()
        self.pw = nn.Conv2d(8, 64, 1)
        self.dw = nn.Conv2d(64, 64, 3, padding=1, groups=64)
        for m in (self.pw, self.dw):
            nn.init.kaiming_normal_(m.weight, mode="fan_out")
    def forward(self, x):
        return self.dw(torch.relu(self.pw(x)))

class Attention(nn.Module):  # nn.MultiheadAttention as PyTorch initializes it (packed xavier_uniform_)
    def __init__(self):
        super().__init__()
        self.attn = nn.MultiheadAttention(64, 4, batch_first=True)
    def forward(self, x):
        return self.attn(x, x, x, need_weights=False)[0]

class WholeLstm(nn.Module):  # orthogonal_ over the whole [4h, h] weight_hh, Xavier over the whole weight_ih
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(32, 32, batch_first=True)
        nn.init.orthogonal_(self.lstm.weight_hh_l0)
        nn.init.xavier_uniform_(self.lstm.weight_ih_l0)
    def forward(self, x):
        return self.lstm(x)[0]

class Odd(nn.Module):  # add_bias_kv attention, an LSTM with a projection, a frozen position embedding
    def __init__(self):
        super().__init__()
        self.attn = nn.MultiheadAttention(64, 4, add_bias_kv=True, batch_first=True)
        self.lstm = nn.LSTM(7, 20, proj_size=5, batch_first=True)
        self.pos_embed = nn.Parameter(torch.zeros(1, 4, 64), requires_grad=False)
    def forward(self, x):
        return self.attn(x + self.pos_embed, x, x, need_weights=False)[0]

class Encoder(nn.Module):  # PyTorch's TransformerEncoder: a fused fast path in eval mode without gradients
    def __init__(self):
        super().__init__()
        self.enc = nn.TransformerEncoder(nn.TransformerEncoderLayer(32, 4, 64), 2)
        self.head = nn.Linear(32, 3)
    def forward(self, x):
        return self.head(self.enc(x)[0])

class SmallCnn(nn.Module):  # Conv-BN-ReLU, a residual add, dropout: trained by `train --model file:` on Fashion-MNIST
    def __init__(self, classes: int = 10):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 16, 3, padding=1)
        self.bn1 = nn.BatchNorm2d(16)
        self.conv2 = nn.Conv2d(16, 16, 3, padding=1)
        self.pool = nn.AdaptiveAvgPool2d(4)
        self.drop = nn.Dropout(0.2)
        self.fc = nn.Linear(256, classes)
    def forward(self, x):
        h = torch.relu(self.bn1(self.conv1(x)))
        h = h + torch.relu(self.conv2(h))
        return self.fc(self.drop(torch.flatten(self.pool(h), 1)))

class VectorMlp(nn.Module):  # takes samples as vectors (no Flatten): train flattens images for it
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(784, 64)
        self.fc2 = nn.Linear(64, 10)
    def forward(self, x):
        return self.fc2(torch.tanh(self.fc1(x)))

class Blobs(nn.Module):  # an MLP on 6 CSV features, 3 classes, two tied layers: train's parity with torch.optim.SGD
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(6, 32)
        self.h1 = nn.Linear(32, 32)
        self.h2 = nn.Linear(32, 32)
        self.h2.weight = self.h1.weight  # one tensor, two names: stepped once
        self.fc2 = nn.Linear(32, 3)
    def forward(self, x):
        return self.fc2(torch.tanh(self.h2(torch.tanh(self.h1(torch.tanh(self.fc1(x)))))))

class Rgb(nn.Module):  # takes 3 channels: refused on Fashion-MNIST in one line
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3)
        self.fc = nn.Linear(4, 10)
    def forward(self, x):
        return self.fc(self.conv(x).mean((2, 3)))

torch.manual_seed(0)
wanted = sys.argv[1:]
models = {
    "resnet18": lambda: torchvision.models.resnet18(weights=None),
    "resnet18_zero": lambda: torchvision.models.resnet18(weights=None, zero_init_residual=True),
    "mobilenet_v2": lambda: torchvision.models.mobilenet_v2(weights=None),
    "vit": lambda: torchvision.models.VisionTransformer(image_size=32, patch_size=8, num_layers=2, num_heads=2, hidden_dim=32,
                                                       mlp_dim=64, num_classes=10),
    "tagger": Tagger, "scaled": Scaled, "odd": Odd, "encoder": Encoder, "depthwise": Depthwise, "attention": Attention, "whole_lstm": WholeLstm,
    "small_cnn": SmallCnn, "small_cnn7": lambda: SmallCnn(7), "vector_mlp": VectorMlp, "blobs": Blobs, "rgb": Rgb,
}
for name in wanted:
    save(models[name](), name + ".pt")
